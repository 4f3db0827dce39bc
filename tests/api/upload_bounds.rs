//! XLSX uploads are bounded after decompression: archives crafted here (a few MB that expand to
//! gigabytes, parts whose declared sizes lie, too many parts, too much in all) are refused in
//! `userErrors` on `file` before they fill memory, quickly, and nothing is written.

use std::time::Instant;

use flate2::{Compress, Compression, Crc, FlushCompress};
use serde_json::{json, Value};

use crate::bounds_support::{assert_alive, assert_user_error};
use crate::support::{backend_tests, post_file, TestApp};

const BULK_EDIT: &str = "mutation($c: ID!, $file: Upload!) { bulkEditPartnerGroups(campaignId: $c, file: $file, apply: true) {
  applied rowCount userErrors { field code message } } }";

const MIB: usize = 1024 * 1024;

/// Raw deflate of `copies` MiB of spaces: one MiB compressed with a full flush (byte-aligned,
/// no reference to earlier data), repeated, then an empty final block. About 1 KB per MiB.
fn spaces(copies: usize) -> Vec<u8> {
    let mut compress = Compress::new(Compression::best(), false);
    let mut segment = Vec::with_capacity(MIB);
    compress
        .compress_vec(&vec![b' '; MIB], &mut segment, FlushCompress::Full)
        .unwrap();
    assert_eq!(compress.total_in(), MIB as u64);
    let mut out = Vec::with_capacity(segment.len() * copies + 5);
    for _ in 0..copies {
        out.extend_from_slice(&segment);
    }
    out.extend_from_slice(&[0x01, 0x00, 0x00, 0xFF, 0xFF]);
    out
}

/// One part of a crafted archive: its name, its data as stored (deflated unless `stored`), the
/// size it declares and its CRC.
struct Part {
    name: String,
    data: Vec<u8>,
    deflated: bool,
    declared: u32,
    crc: u32,
}

fn stored(name: &str, text: &str) -> Part {
    let mut crc = Crc::new();
    crc.update(text.as_bytes());
    Part {
        name: name.to_owned(),
        data: text.as_bytes().to_vec(),
        deflated: false,
        declared: text.len() as u32,
        crc: crc.sum(),
    }
}

fn bomb(name: &str, mib: usize, declared: u32) -> Part {
    Part {
        name: name.to_owned(),
        data: spaces(mib),
        deflated: true,
        declared,
        crc: 0,
    }
}

/// A ZIP archive of `parts` (local headers, data, central directory, end record).
fn zip(parts: &[Part]) -> Vec<u8> {
    let (mut out, mut directory) = (Vec::new(), Vec::new());
    let u16le = |v: u16| v.to_le_bytes();
    let u32le = |v: u32| v.to_le_bytes();
    for part in parts {
        let offset = out.len() as u32;
        let method = if part.deflated { 8 } else { 0 };
        let common = [
            u16le(20).as_slice(),
            &u16le(0),
            &u16le(method),
            &u16le(0),
            &u16le(0x21),
            &u32le(part.crc),
            &u32le(part.data.len() as u32),
            &u32le(part.declared),
            &u16le(part.name.len() as u16),
            &u16le(0),
        ]
        .concat();
        out.extend_from_slice(&u32le(0x0403_4b50));
        out.extend_from_slice(&common);
        out.extend_from_slice(part.name.as_bytes());
        out.extend_from_slice(&part.data);
        directory.extend_from_slice(&u32le(0x0201_4b50));
        directory.extend_from_slice(&u16le(20));
        directory.extend_from_slice(&common);
        directory.extend_from_slice(&[u16le(0), u16le(0), u16le(0)].concat());
        directory.extend_from_slice(&u32le(0));
        directory.extend_from_slice(&u32le(offset));
        directory.extend_from_slice(part.name.as_bytes());
    }
    let (start, size, count) = (out.len() as u32, directory.len() as u32, parts.len() as u16);
    out.extend_from_slice(&directory);
    out.extend_from_slice(
        &[
            u32le(0x0605_4b50).as_slice(),
            &u16le(0),
            &u16le(0),
            &u16le(count),
            &u16le(count),
            &u32le(size),
            &u32le(start),
            &u16le(0),
        ]
        .concat(),
    );
    out
}

/// The parts of a one-sheet workbook, with `extra` (the bomb) added.
fn workbook(extra: Vec<Part>) -> Vec<u8> {
    let mut parts = vec![
        stored(
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#,
        ),
        stored(
            "_rels/.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        stored(
            "xl/workbook.xml",
            r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        stored(
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    parts.extend(extra);
    zip(&parts)
}

async fn upload(app: &TestApp, bytes: Vec<u8>) -> Value {
    let operations = json!({ "query": BULK_EDIT, "variables": { "c": app.campaign_id().to_string(), "file": null } });
    let (status, body) = post_file(
        &app.base_url,
        &app.auth_header(),
        &operations,
        "groups.xlsx",
        bytes,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["bulkEditPartnerGroups"].clone()
}

backend_tests! {
    async fn xlsx_zip_bombs_are_refused_before_they_fill_memory(app) {
        const GIB: u32 = 1 << 30;
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            // 2 GiB of sheet in about 2 MB, sizes declared honestly.
            ("a sheet of 2 GiB", workbook(vec![bomb("xl/worksheets/sheet1.xml", 2048, 2 * GIB)]), "expands to more than 100 MB"),
            // The same shared strings declaring 1,000 bytes: caught while reading.
            ("lying shared strings", workbook(vec![bomb("xl/sharedStrings.xml", 2048, 1_000)]), "holds more than the 1000 bytes its archive declares"),
            // 50 MiB in 50 KB: under the total, over the ratio.
            ("a ratio bomb", workbook(vec![bomb("xl/sharedStrings.xml", 50, 50 << 20)]), "a compression bomb"),
            // 101 parts of 1 MiB, each small enough to escape the ratio check.
            ("too much in all", workbook((0..101).map(|i| bomb(&format!("xl/media/p{i}.bin"), 1, 1 << 20)).collect()), "expands to more than 100 MB"),
            ("too many parts", workbook((0..1_001).map(|i| stored(&format!("xl/p{i}.xml"), "<a/>")).collect()), "at most 1000"),
        ];
        for (name, bytes, needle) in cases {
            assert!(bytes.len() < 10 * MIB, "{name}: {} bytes", bytes.len());
            let started = Instant::now();
            let payload = upload(&app, bytes).await;
            assert!(started.elapsed().as_secs() < 10, "{name}: refused quickly, not read");
            assert_eq!(payload["applied"], false, "{name}");
            assert_user_error(&payload, &["file"], "INVALID", needle);
        }
        assert_eq!(app.count_rows("partner_group_members").await, 0);
        assert_alive(&app).await;
    }

    async fn a_workbook_whose_cells_point_nowhere_is_damaged_not_an_internal_error(app) {
        // Shared-string cells without a table, past its end, or not a number: the XLSX reader
        // gives up on each (it panicked); the answer is the user error of a damaged workbook.
        let cell = |v: &str| format!(r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>{v}</v></c></row></sheetData></worksheet>"#);
        let one_string = r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>Partner Id</t></si></sst>"#;
        for (name, parts) in [
            ("no table", vec![stored("xl/worksheets/sheet1.xml", &cell("0"))]),
            ("past the end", vec![stored("xl/worksheets/sheet1.xml", &cell("1")), stored("xl/sharedStrings.xml", one_string)]),
            ("not a number", vec![stored("xl/worksheets/sheet1.xml", &cell("abc"))]),
            ("too large", vec![stored("xl/worksheets/sheet1.xml", &cell("18446744073709551616"))]),
        ] {
            let payload = upload(&app, workbook(parts)).await;
            assert_eq!(payload["applied"], false, "{name}");
            assert_user_error(&payload, &["file"], "INVALID", "damaged");
        }
        assert_alive(&app).await;
    }

    async fn an_upload_variable_that_names_no_file_is_a_validation_error(app) {
        // A client's string where the file should be, or the marker the multipart `map` writes
        // naming a file the request does not carry (or not a number): refused before anything
        // runs, never a failing field or a panic.
        for value in ["aGVsbG8=", "#__graphql_file__:0", "#__graphql_file__:7", "#__graphql_file__:abc", "#__graphql_file__:"] {
            let (status, body) = app.graphql(BULK_EDIT, json!({ "c": app.campaign_id().to_string(), "file": value })).await;
            assert_eq!(status, 200, "{value}: {body}");
            assert_eq!(crate::first_error_code(&body), "VALIDATION", "{value}: {body}");
            assert!(body["data"].is_null(), "{value}: {body}");
        }
        assert_alive(&app).await;
    }

    async fn a_crafted_workbook_within_bounds_is_still_read(app) {
        let sheet = r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Partner Id</t></is></c><c r="B1" t="inlineStr"><is><t>Add To</t></is></c></row><row r="2"><c r="A2"><v>999999</v></c><c r="B2"><v>12345</v></c></row></sheetData></worksheet>"#;
        let payload = upload(&app, workbook(vec![stored("xl/worksheets/sheet1.xml", sheet)])).await;
        // Read: the row is there, with its own errors (no such partner or group).
        assert_eq!(payload["userErrors"], json!([]), "{payload}");
        assert_eq!(payload["rowCount"], 1, "{payload}");
    }
}
