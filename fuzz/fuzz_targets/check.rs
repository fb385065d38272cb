//! Fuzzes read + check + simulate: arbitrary bytes as a flow file, as its test file, and as the
//! caller's keys must never panic.
#![no_main]

use cxone_flow::check::{Settings, check_flow_bytes, check_tests_bytes};
use cxone_flow::sim::engine::Engine;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let settings = Settings::default();
    let (report, flow) = check_flow_bytes("fuzz.flow.json", data.to_vec(), &settings);
    for d in &report.diagnostics {
        assert!(d.location.line >= 1 && d.location.column >= 1);
    }
    check_tests_bytes("fuzz.tests.json", data.to_vec(), flow.as_ref(), &settings);
    if let Some(flow) = &flow {
        let engine = Engine::new(flow);
        let dtmf: Vec<String> = data.chunks(3).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
        engine.run(&dtmf, &Default::default());
    }
});
