//! The fast path of the test-file loader: a test file that is plain throughout (strict JSON, every
//! field known, once and of its type, no escapes, no `mock`) read in one pass straight into its
//! cases, with no tape between. Anything else gives up, and the tape and the loader that reports
//! read the file; a property test holds the two to the same cases.

use crate::flow::model::is_dtmf_entry;
use crate::json::plain::{Known, Reader, once};
use crate::sim::cases::{self, Case, Expect, TestFile};
use crate::sim::condition::Variables;
use crate::source::Spanned;

/// The cases in `text` when the loader would load them all without a finding; `None` for anything
/// else, from a syntax error to a field the loader would report.
pub fn read(text: &str) -> Option<TestFile> {
    let mut reader = Reader::new(text)?;
    let (mut schema, mut cases) = (None, None);
    reader.object(|reader, key| match key {
        "$schema" => once(&mut schema, reader.string()),
        "cases" => once(&mut cases, reader.list(0, case)),
        _ => None,
    })?;
    let (cases, _) = cases?;
    reader.end(TestFile { cases })
}

/// What a test file's objects likely hold, read whole rather than scanned (`Known`): a case's keys,
/// its input's and its expectations', the likeliest first.
const CASE_KEYS: [Known; 5] = Known::all(["name", "input", "expect", "description", "generated"]);
const INPUT_KEYS: [Known; 2] = Known::all(["dtmf", "variables"]);
const EXPECT_KEYS: [Known; cases::EXPECT_KEYS.len()] = Known::all(cases::EXPECT_KEYS);

fn case(reader: &mut Reader, cases: &mut Vec<Case>) -> Option<()> {
    let (mut name, mut description, mut generated) = (None, None, None);
    let (mut input, mut expect) = (None, None);
    let span = reader.object_of(&CASE_KEYS, |reader, key| match key {
        "name" => once(&mut name, reader.id()),
        "description" => once(&mut description, reader.string()),
        "generated" => once(&mut generated, reader.boolean()),
        "input" => once(&mut input, read_input(reader)),
        "expect" => once(&mut expect, read_expect(reader)),
        _ => None,
    })?;
    let (dtmf, variables) = input.unwrap_or_default();
    cases.push(Case {
        name: name?.into_string(),
        span,
        dtmf,
        variables,
        mock: Vec::new(),
        expect: expect.unwrap_or_default(),
    });
    Some(())
}

fn read_input(reader: &mut Reader) -> Option<(Vec<String>, Variables)> {
    let (mut dtmf, mut variables) = (None, None);
    reader.object_of(&INPUT_KEYS, |reader, key| match key {
        "dtmf" => {
            let entry = |reader: &mut Reader, entries: &mut Vec<String>| {
                let (keys, _) = reader.string().filter(|(keys, _)| is_dtmf_entry(keys))?;
                entries.push(keys.to_owned());
                Some(())
            };
            once(&mut dtmf, reader.list(0, entry).map(|(entries, _)| entries))
        }
        "variables" => once(&mut variables, read_variables(reader)),
        _ => None,
    })?;
    Some((dtmf.unwrap_or_default(), variables.unwrap_or_default()))
}

/// An object of variables, each named once.
fn read_variables(reader: &mut Reader) -> Option<Variables> {
    let mut variables = Variables::new();
    reader.object(|reader, name| {
        let value = reader.json(false)?;
        variables.insert(name.to_owned(), value).is_none().then_some(())
    })?;
    Some(variables)
}

fn read_expect(reader: &mut Reader) -> Option<Expect> {
    let mut expect = Expect::default();
    reader.object_of(&EXPECT_KEYS, |reader, key| match key {
        "finalElement" => once(&mut expect.final_element, reader.id().map(Spanned::into_string)),
        "path" => once(&mut expect.path, element_ids(reader)),
        "pathContains" => once(&mut expect.path_contains, element_ids(reader)),
        "notVisits" => once(&mut expect.not_visits, element_ids(reader)),
        "maxExecutionMs" => once(&mut expect.max_execution_ms, reader.integer().map(|ms| ms.value)),
        "timedOut" => once(&mut expect.timed_out, reader.boolean()),
        "variables" => once(&mut expect.variables, read_variables(reader)),
        _ => None,
    })?;
    Some(expect)
}

fn element_ids(reader: &mut Reader) -> Option<Vec<Spanned<String>>> {
    let id = |reader: &mut Reader, ids: &mut Vec<Spanned<String>>| {
        let (id, span) = reader.string()?;
        ids.push(Spanned::new(id.to_owned(), span));
        Some(())
    };
    reader.list(0, id).map(|(ids, _)| ids)
}
