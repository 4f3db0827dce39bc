//! The bounds of an XLSX upload after decompression. An XLSX is a ZIP archive, and 10 MB of it
//! can expand to gigabytes (a "zip bomb"); calamine reads some parts whole. Before calamine
//! opens it, the archive's central directory must declare at most [`MAX_XLSX_PARTS`] parts,
//! [`MAX_XLSX_EXPANDED_BYTES`] in all, and no large part compressed more than
//! [`MAX_XLSX_RATIO`] times; then every part is decompressed once into a small buffer, and the
//! check stops as soon as a part yields more than it declared (declared sizes can lie) or the
//! total passes the bound. Nothing is kept: memory stays at one buffer whatever the archive.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use crate::domain::limits::{
    MAX_XLSX_EXPANDED_BYTES, MAX_XLSX_PARTS, MAX_XLSX_RATIO, XLSX_RATIO_FROM_BYTES,
};
use crate::error::AppError;

const MB: u64 = 1024 * 1024;

fn refused(detail: String) -> AppError {
    AppError::Validation(format!("the XLSX file is refused: {detail}"))
}

fn damaged() -> AppError {
    super::neither("it is a ZIP archive but not an Excel workbook, or the workbook is damaged")
}

fn too_large(total: u64) -> AppError {
    refused(format!(
        "it expands to more than {} MB (at least {} MB); the limit is {} MB uncompressed",
        MAX_XLSX_EXPANDED_BYTES / MB,
        total / MB,
        MAX_XLSX_EXPANDED_BYTES / MB
    ))
}

/// `VALIDATION` when the archive holds too many parts or expands past its bounds.
pub fn check(bytes: &[u8]) -> Result<(), AppError> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|_| damaged())?;
    if archive.len() > MAX_XLSX_PARTS {
        return Err(refused(format!(
            "it has {} parts; a workbook may have at most {MAX_XLSX_PARTS}",
            archive.len()
        )));
    }
    let mut declared = 0u64;
    for i in 0..archive.len() {
        let part = archive.by_index_raw(i).map_err(|_| damaged())?;
        let (size, compressed) = (part.size(), part.compressed_size());
        declared = declared.saturating_add(size);
        if declared > MAX_XLSX_EXPANDED_BYTES {
            return Err(too_large(declared));
        }
        if size > XLSX_RATIO_FROM_BYTES && size / compressed.max(1) > MAX_XLSX_RATIO {
            return Err(refused(format!(
                "its part {:?} expands {} times (at most {MAX_XLSX_RATIO} times allowed): a compression bomb",
                part.name(),
                size / compressed.max(1)
            )));
        }
    }
    let mut buffer = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(|_| damaged())?;
        let size = part.size();
        let mut read = 0u64;
        loop {
            let n = part.read(&mut buffer).map_err(|_| damaged())? as u64;
            if n == 0 {
                break;
            }
            read += n;
            total += n;
            if read > size {
                return Err(refused(format!(
                    "its part {:?} holds more than the {size} bytes its archive declares",
                    part.name()
                )));
            }
            if total > MAX_XLSX_EXPANDED_BYTES {
                return Err(too_large(total));
            }
        }
    }
    Ok(())
}
