//! Where a report file's per-unit parts wait while the units are checked: an unnamed temporary file,
//! copied out after the part that comes before them (counts known only at the end) is written.
//! The file is the operating system's to remove (`tempfile::tempfile`: in the temporary folder,
//! never in the workspace, gone when closed). When the temporary folder cannot be used (missing,
//! read-only), the parts are held in memory, as a whole report would be: every file is still
//! written, only the memory grows with the files.

use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};

/// The parts written so far, in order.
pub struct Spill {
    parts: Parts,
}

enum Parts {
    File(BufWriter<File>),
    Memory(Vec<u8>),
}

impl Default for Spill {
    /// Parts in a new temporary file (in memory when none can be made).
    fn default() -> Spill {
        Spill::of(tempfile::tempfile())
    }
}

impl Spill {
    /// The parts in `file`, or in memory when it could not be made.
    fn of(file: io::Result<File>) -> Spill {
        Spill {
            parts: match file {
                Ok(file) => Parts::File(BufWriter::with_capacity(1 << 16, file)),
                Err(_) => Parts::Memory(Vec::new()),
            },
        }
    }

    /// Copies every part written to `out`, from the first.
    pub fn copy_to(self, out: &mut (impl Write + ?Sized)) -> io::Result<()> {
        match self.parts {
            Parts::Memory(bytes) => out.write_all(&bytes),
            Parts::File(file) => {
                let mut file = file.into_inner().map_err(|e| in_temporary_file(e.into_error()))?;
                file.seek(SeekFrom::Start(0)).map_err(in_temporary_file)?;
                io::copy(&mut file, out)?;
                Ok(())
            }
        }
    }
}

/// A temporary file's error, saying where it happened (a full temporary folder is not the report's
/// own folder).
fn in_temporary_file(error: io::Error) -> io::Error {
    io::Error::new(
        error.kind(),
        format!(
            "the temporary file holding its parts, in {}: {error}",
            std::env::temp_dir().display()
        ),
    )
}

impl Write for Spill {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match &mut self.parts {
            Parts::File(file) => file.write(bytes).map_err(in_temporary_file),
            Parts::Memory(memory) => memory.write(bytes),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.parts {
            Parts::File(file) => file.flush().map_err(in_temporary_file),
            Parts::Memory(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spilled(mut spill: Spill) -> io::Result<Vec<u8>> {
        for part in [&b"<a/>"[..], b"", b"<b>\n</b>"] {
            spill.write_all(part)?;
        }
        let mut out = b"head:".to_vec();
        spill.copy_to(&mut out)?;
        Ok(out)
    }

    #[test]
    fn the_parts_come_back_in_order_from_a_file_or_from_memory_when_no_file_can_be_made() {
        let expected = b"head:<a/><b>\n</b>".to_vec();
        assert_eq!(spilled(Spill::default()).unwrap(), expected);
        let no_folder = io::Error::new(io::ErrorKind::NotFound, "no temporary folder");
        assert_eq!(spilled(Spill::of(Err(no_folder))).unwrap(), expected);
    }

    #[test]
    fn a_temporary_file_that_cannot_be_written_is_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("f"), "").unwrap();
        let read_only = File::open(dir.path().join("f")).unwrap();
        let error = spilled(Spill::of(Ok(read_only))).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("the temporary file holding its parts, in "),
            "{error}"
        );
    }
}
