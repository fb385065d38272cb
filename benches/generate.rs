//! Benchmark of `cxone-flow cases generate`: a 200-element and a 10,000-element flow from the
//! corpus, the time to generate, the cases produced and the edges and rules they cover.
//! Run: `cargo bench --bench generate`.

mod corpus;

use std::time::{Duration, Instant};

use cxone_flow::check::{Settings, check_flow_bytes};
use cxone_flow::generate::{Goal, generate};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    println!("cxone-flow case generation benchmark: median of the runs, one core");
    for (elements, runs) in [(200, 7), (10_000, 3)] {
        let text = corpus::flow_text("bench", elements);
        let (_, flow) = check_flow_bytes("bench.flow.json", text.into_bytes(), &Settings::default());
        let flow = flow.expect("the corpus flow loads");
        let mut samples = Vec::new();
        let mut last = None;
        for _ in 0..runs {
            let started = Instant::now();
            let generated = generate(&flow, Goal::Edges, usize::MAX);
            samples.push(started.elapsed());
            last = Some(generated);
        }
        let generated = last.expect("at least one run");
        println!(
            "  {:>6} elements: {:>9.1} ms  {:>5} cases cover {} of {} edges and rules ({} unreachable), {} calls explored",
            flow.elements.len(),
            median(samples).as_secs_f64() * 1000.0,
            generated.cases.len(),
            generated.covered,
            generated.targets,
            generated.unreachable.len(),
            generated.explored
        );
    }
}
