//! Where a report file's per-unit parts wait while the units are checked: an unnamed temporary file,
//! copied out after the part that comes before them (counts known only at the end) is written.
//! The file is the operating system's to remove (`tempfile::tempfile`: in the temporary folder,
//! never in the workspace, gone when closed).

use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};

/// The parts written so far, in order.
pub struct Spill {
    file: BufWriter<File>,
}

impl Spill {
    pub fn new() -> io::Result<Spill> {
        Ok(Spill {
            file: BufWriter::with_capacity(1 << 16, tempfile::tempfile()?),
        })
    }

    /// Copies every part written to `out`, from the first.
    pub fn copy_to(self, out: &mut (impl Write + ?Sized)) -> io::Result<()> {
        let mut file = self.file.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.seek(SeekFrom::Start(0))?;
        io::copy(&mut file, out)?;
        Ok(())
    }
}

impl Write for Spill {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.file.write(bytes)
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}
