//! Fuzzes read + check: arbitrary bytes as a flow file and as its test file must never panic.
#![no_main]

use cxone_flow::check::{Settings, check_flow_bytes, check_tests_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let settings = Settings::default();
    let flow = check_flow_bytes("fuzz.flow.json", data.to_vec(), &settings);
    for d in &flow.diagnostics {
        assert!(d.location.line >= 1 && d.location.column >= 1);
    }
    check_tests_bytes("fuzz.tests.json", data.to_vec(), None, &settings);
});
