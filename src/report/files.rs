//! Writing the report files a run asks for (each of [`FILE_FORMATS`] whose setting names a file),
//! for the CLI and the Action alike.

use std::path::Path;

use crate::outcome::Outcome;
use crate::report::FILE_FORMATS;
use crate::safe_file::Root;
use crate::settings::ReportPaths;

/// Renders and writes the report files asked for under `root` (creating their folders); returns
/// what failed.
pub fn write(outcome: &Outcome, files: &ReportPaths, root: &Root) -> Vec<String> {
    let mut failed = Vec::new();
    for format in &FILE_FORMATS {
        let Some(path) = files.get(format.key) else { continue };
        let written =
            (format.render)(outcome).and_then(|text| root.write(path, text.as_bytes()).map_err(|e| e.to_string()));
        if let Err(error) = written {
            failed.push(format!(
                "failed to write the {} `{}`: {error}",
                format.what,
                path.display()
            ));
        }
    }
    failed
}

/// Writes a file the command line asked for, creating the folders it names first, never through a
/// link ([`crate::safe_file`]).
pub fn write_file(path: &Path, text: &str) -> Result<(), String> {
    Root::default().write(path, text.as_bytes()).map_err(|e| e.to_string())
}
