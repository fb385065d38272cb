#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use cxone_flow::registry::RuleLimits;
use cxone_flow::source::SourceFile;
mod corpus;
use std::time::Instant;
fn main() {
    sizes();
    if std::env::var("MEM").is_ok() {
        let rss = || {
            let s = std::fs::read_to_string("/proc/self/status").unwrap();
            let hwm = s.lines().find(|l| l.starts_with("VmHWM")).unwrap().to_string();
            let cur = s.lines().find(|l| l.starts_with("VmRSS")).unwrap().to_string();
            format!("{hwm} {cur}")
        };
        println!("start {}", rss());
        let text = std::fs::read_to_string("/tmp/large/large.flow.json").unwrap();
        println!("read {}", rss());
        let tape = cxone_flow::json::Tape::parse(&text).unwrap();
        println!("parsed {}", rss());
        let (flow, _) = cxone_flow::flow::load::load(tape.root());
        println!("loaded {}", rss());
        drop(tape);
        let limits = RuleLimits {
            max_decision_nodes: usize::MAX,
            max_menu_depth: usize::MAX,
        };
        let graph = cxone_flow::flow::graph::Graph::build(&flow);
        println!("graph {}", rss());
        drop(graph);
        let f = cxone_flow::rules::check_flow(&flow, &limits);
        println!("rules {} {}", rss(), f.len());
        let (runs, cov) = cxone_flow::sim::run::run_cases(&flow, None, 3_600_000);
        println!("sim {} {} {}", rss(), runs.len(), cov.elements);
        return;
    }
    if std::env::var("LARGE").is_ok() {
        std::fs::create_dir_all("/tmp/large").unwrap();
        std::fs::write("/tmp/large/large.flow.json", corpus::flow_text("large", 100_000)).unwrap();
        return;
    }
    if std::env::var("SIZES").is_ok() {
        let text = std::fs::read_to_string("/tmp/large.flow.json").unwrap();
        let t = cxone_flow::json::Tape::parse(&text).unwrap();
        println!(
            "bytes {} nodes {}",
            text.len(),
            t.root().as_object().unwrap().iter().count()
        );
        return;
    }
    let dir = std::path::Path::new("/tmp/corp/corpus");
    let mut flows = vec![];
    let mut tests = vec![];
    let n: usize = std::env::var("N").map_or(1000, |v| v.parse().unwrap());
    for i in 0..n {
        flows.push(std::fs::read_to_string(dir.join(format!("flow-{i:05}.flow.json"))).unwrap());
        tests.push(std::fs::read_to_string(dir.join(format!("flow-{i:05}.tests.json"))).unwrap());
    }
    let limits = RuleLimits {
        max_decision_nodes: usize::MAX,
        max_menu_depth: usize::MAX,
    };
    for _ in 0..std::env::var("R").map_or(3, |v| v.parse().unwrap()) {
        let t = Instant::now();
        let sources: Vec<SourceFile> = flows.iter().map(|f| SourceFile::new("a", f.clone())).collect();
        let t_src = t.elapsed();
        let t = Instant::now();
        let tapes: Vec<_> = sources
            .iter()
            .map(|s| cxone_flow::json::Tape::parse(&s.text).unwrap())
            .collect();
        let t_parse = t.elapsed();
        let t = Instant::now();
        let models: Vec<_> = tapes.iter().map(|t| cxone_flow::flow::load::load(t.root())).collect();
        let t_load = t.elapsed();
        let t = Instant::now();
        let oor: usize = tapes
            .iter()
            .map(|t| cxone_flow::json::out_of_range_numbers(t).len())
            .sum();
        let t_oor = t.elapsed();
        let t = Instant::now();
        let f: usize = models
            .iter()
            .map(|(m, _)| cxone_flow::rules::check_flow(m, &limits).len())
            .sum();
        let t_rules = t.elapsed();
        let t = Instant::now();
        let tss: Vec<_> = tests
            .iter()
            .map(|x| {
                let s = SourceFile::new("b", x.clone());
                let tape = cxone_flow::json::Tape::parse(&s.text).unwrap();
                cxone_flow::sim::cases::load(tape.root()).0
            })
            .collect();
        let t_tests = t.elapsed();
        let t = Instant::now();
        let n: usize = models
            .iter()
            .zip(&tss)
            .map(|((m, _), ts)| cxone_flow::sim::run::run_cases(m, Some(ts), 3_600_000).0.len())
            .sum();
        let t_sim = t.elapsed();
        let t = Instant::now();
        for _ in 0..1000 {
            std::hint::black_box(cxone_flow::flow::load::load(tapes[0].root()));
        }
        let t_hot = t.elapsed();
        let t = Instant::now();
        drop(models);
        let t_drop = t.elapsed();
        println!(
            "hot load x1000 {:?} source {:?} parse {:?} load {:?} oor {:?} rules {:?} tests {:?} sim {:?} drop {:?} ({f} {n} {oor})",
            t_hot, t_src, t_parse, t_load, t_oor, t_rules, t_tests, t_sim, t_drop
        );
    }
}
#[allow(dead_code)]
fn sizes() {
    println!(
        "Element {} Edge {} RoutingRule {} Condition {} Node? ",
        std::mem::size_of::<cxone_flow::flow::model::Element>(),
        std::mem::size_of::<cxone_flow::flow::model::Edge>(),
        std::mem::size_of::<cxone_flow::flow::model::RoutingRule>(),
        std::mem::size_of::<cxone_flow::flow::model::Condition>()
    );
}
