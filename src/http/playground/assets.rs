//! The playground's static files (GraphiQL, React and the start script), embedded at build time
//! and served under URLs that carry a hash of their content, so browsers may keep them for a year.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// One embedded file.
struct File {
    /// The file's name without its extension (`graphiql.min`).
    stem: &'static str,
    /// Its extension (`js`, `css`).
    extension: &'static str,
    /// Its content.
    bytes: &'static [u8],
}

/// The files in the order the page loads them (React first: GraphiQL's UMD build expects it).
const FILES: [File; 5] = [
    File {
        stem: "graphiql.min",
        extension: "css",
        bytes: include_bytes!("../../../assets/graphiql/graphiql.min.css"),
    },
    File {
        stem: "react.production.min",
        extension: "js",
        bytes: include_bytes!("../../../assets/graphiql/react.production.min.js"),
    },
    File {
        stem: "react-dom.production.min",
        extension: "js",
        bytes: include_bytes!("../../../assets/graphiql/react-dom.production.min.js"),
    },
    File {
        stem: "graphiql.min",
        extension: "js",
        bytes: include_bytes!("../../../assets/graphiql/graphiql.min.js"),
    },
    File {
        stem: "start",
        extension: "js",
        bytes: include_bytes!("../../../assets/playground.js"),
    },
];

/// A file with its URL (`/playground/graphiql.min.0123456789abcdef.js`).
pub struct Asset {
    /// The path the file is served at.
    pub url: String,
    /// Its extension (`js`, `css`).
    pub extension: &'static str,
    bytes: &'static [u8],
}

/// Every file with its URL, hashed once on first use.
static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|file| {
            let hash = hex::encode(Sha256::digest(file.bytes));
            Asset {
                url: format!("{PREFIX}{}.{}.{}", file.stem, &hash[..16], file.extension),
                extension: file.extension,
                bytes: file.bytes,
            }
        })
        .collect()
});

/// Where the files are served.
pub const PREFIX: &str = "/playground/";

/// The files, in the order the page loads them.
pub fn all() -> &'static [Asset] {
    &ASSETS
}

/// `GET /playground/{file}`: an embedded file, cacheable for a year (its name changes with it).
pub async fn serve(Path(file): Path<String>) -> Response {
    let Some(asset) = all().iter().find(|a| a.url[PREFIX.len()..] == file) else {
        return (StatusCode::NOT_FOUND, "no such playground file").into_response();
    };
    let content_type = match asset.extension {
        "css" => "text/css; charset=utf-8",
        _ => "text/javascript; charset=utf-8",
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        asset.bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendored_files_match_their_recorded_hashes() {
        let sums = include_str!("../../../assets/graphiql/SHA256SUMS");
        let recorded = |name: &str| {
            sums.lines()
                .find_map(|line| line.strip_suffix(name)?.strip_suffix("  "))
                .unwrap_or_else(|| panic!("{name} is not in SHA256SUMS"))
                .to_owned()
        };
        for file in FILES.iter().filter(|f| f.stem != "start") {
            let name = format!("{}.{}", file.stem, file.extension);
            assert_eq!(
                hex::encode(Sha256::digest(file.bytes)),
                recorded(&name),
                "{name}"
            );
        }
    }
}
