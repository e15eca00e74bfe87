//! A scratch file for what a build writes once and reads back later: a one-shot build keeps its
//! rendered page bodies here between the body pass and the writing of the pages, so that its
//! memory holds what listings need and not every page's HTML, and no body is rendered twice.
//!
//! The file comes from [`crate::output::scratch_file`] (unnamed, inside the output folder): the
//! system frees it when the build ends, however it ends. Appends may come from many threads at
//! once; each reserves its own range, so no write waits for another's.

use std::fs::File;
use std::sync::{Arc, Mutex};

/// The scratch file and where its next record goes.
#[derive(Debug)]
pub struct Spill {
    file: File,
    end: Mutex<u64>,
}

/// Where one record is in a [`Spill`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpillSlot {
    at: u64,
    len: usize,
}

impl Spill {
    pub fn new(file: File) -> Spill {
        Spill { file, end: Mutex::new(0) }
    }

    /// Writes `parts` one after the other as one record and says where it is.
    pub fn append(&self, parts: &[&[u8]]) -> std::io::Result<SpillSlot> {
        let len: usize = parts.iter().map(|p| p.len()).sum();
        let at = {
            let mut end = self.end.lock().unwrap_or_else(|p| p.into_inner());
            let at = *end;
            *end += len as u64;
            at
        };
        let mut offset = at;
        for part in parts {
            write_all_at(&self.file, part, offset)?;
            offset += part.len() as u64;
        }
        Ok(SpillSlot { at, len })
    }

    /// The bytes of the record at `slot`.
    pub fn read(&self, slot: SpillSlot) -> std::io::Result<Vec<u8>> {
        let mut bytes = vec![0; slot.len];
        read_exact_at(&self.file, &mut bytes, slot.at)?;
        Ok(bytes)
    }
}

/// Text moved out of memory into a [`Spill`].
#[derive(Debug, Clone)]
pub struct SpilledText {
    spill: Arc<Spill>,
    slot: SpillSlot,
}

impl SpilledText {
    /// Moves `text` into `spill`.
    pub fn new(spill: &Arc<Spill>, text: &str) -> std::io::Result<SpilledText> {
        SpilledText::joined(spill, &[text])
    }

    /// Moves `parts`, one after the other, into `spill` as one text.
    pub fn joined(spill: &Arc<Spill>, parts: &[&str]) -> std::io::Result<SpilledText> {
        let parts: Vec<&[u8]> = parts.iter().map(|p| p.as_bytes()).collect();
        let slot = spill.append(&parts)?;
        Ok(SpilledText { spill: spill.clone(), slot })
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.slot.len
    }

    pub fn is_empty(&self) -> bool {
        self.slot.len == 0
    }

    /// The text, read back.
    pub fn read(&self) -> std::io::Result<String> {
        String::from_utf8(self.spill.read(self.slot)?)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }
}

/// The error of a build that could not read `what` back from its scratch file.
pub fn read_back_failed(what: &str, error: &std::io::Error) -> crate::error::Diagnostic {
    crate::error::Diagnostic::error(
        "output",
        format!("could not read {what} back from the build's scratch file in the output folder: {error}"),
    )
    .hint("check the output folder's disk, then build again")
}

#[cfg(unix)]
fn write_all_at(file: &File, bytes: &[u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

#[cfg(unix)]
fn read_exact_at(file: &File, bytes: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset)
}

#[cfg(windows)]
fn write_all_at(file: &File, mut bytes: &[u8], mut offset: u64) -> std::io::Result<()> {
    while !bytes.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_write(file, bytes, offset)?;
        if n == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        bytes = &bytes[n..];
        offset += n as u64;
    }
    Ok(())
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut bytes: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    while !bytes.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_read(file, bytes, offset)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        bytes = &mut bytes[n..];
        offset += n as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;

    #[test]
    fn records_written_from_many_threads_read_back_whole() {
        let spill = Spill::new(tempfile::tempfile().expect("a temporary file"));
        let records: Vec<(String, SpillSlot)> = (0..2000)
            .into_par_iter()
            .map(|i| {
                let text = format!("<p>body {i}</p>").repeat(i % 17 + 1);
                let slot = spill.append(&[text.as_bytes(), b"|", i.to_string().as_bytes()]);
                let text = format!("{text}|{i}");
                (text, slot.expect("appended"))
            })
            .collect();
        for (text, slot) in records {
            assert_eq!(spill.read(slot).expect("read back"), text.as_bytes());
        }
    }

    #[test]
    fn spilled_text_reads_back_as_written() {
        let spill = Arc::new(Spill::new(tempfile::tempfile().expect("a temporary file")));
        let texts = ["<h1>Ukraine</h1>", "", "guarantee \u{2014} \u{1F1FA}\u{1F1E6}"];
        let kept: Vec<SpilledText> =
            texts.iter().map(|t| SpilledText::new(&spill, t).expect("kept")).collect();
        for (text, kept) in texts.iter().zip(&kept) {
            assert_eq!(kept.len(), text.len());
            assert_eq!(kept.read().expect("read"), *text);
        }
    }

    #[test]
    fn an_empty_record_reads_back_empty() {
        let spill = Spill::new(tempfile::tempfile().expect("a temporary file"));
        let empty = spill.append(&[]).expect("appended");
        let after = spill.append(&[b"x"]).expect("appended");
        assert_eq!(spill.read(empty).expect("read"), b"");
        assert_eq!(spill.read(after).expect("read"), b"x");
    }
}
