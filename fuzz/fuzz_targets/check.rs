//! Fuzzes read + check + simulate: arbitrary bytes as a flow file, as a Studio script, as their
//! test file, and as the caller's keys and mocks must never panic.
#![no_main]

use cxone_flow::check::{Settings, check_flow_bytes, check_tests_bytes};
use cxone_flow::sim::engine::Engine;
use cxone_flow::source::Spanned;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let settings = Settings::default();
    for path in ["fuzz.flow.json", "fuzz.json"] {
        let (report, flow) = check_flow_bytes(path, data.to_vec(), &settings);
        for d in &report.diagnostics {
            assert!(d.location.line >= 1 && d.location.column >= 1);
        }
        check_tests_bytes("fuzz.tests.json", data.to_vec(), flow.as_ref(), &settings);
        if let Some(flow) = &flow {
            let engine = Engine::new(flow);
            let dtmf: Vec<String> = data.chunks(3).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
            // Every action mocked to take a branch named like a chunk of the input.
            let mocks: Vec<_> = flow
                .elements
                .iter()
                .zip(&dtmf)
                .map(|(e, branch)| {
                    let spanned = |text: &str| Spanned::new(text.to_string(), Default::default());
                    (spanned(&e.id.value), spanned(branch))
                })
                .collect();
            engine.run_mocked(&dtmf, &Default::default(), &mocks);
        }
    }
});
