//! Automatic persisted queries (Apollo's protocol): a client sends the SHA-256 of a query
//! instead of its text; an unknown hash answers `PersistedQueryNotFound` (code
//! `PERSISTED_QUERY_NOT_FOUND`), and the client sends text and hash once, after which the
//! hash alone runs it. The store is a bounded LRU in each server process.

use std::num::NonZeroUsize;
use std::sync::Mutex;

use async_graphql::{ErrorExtensionValues, Request, ServerError};
use async_graphql_value::ConstValue;
use lru::LruCache;
use sha2::{Digest, Sha256};

/// Queries a server process remembers.
pub const CAPACITY: usize = 1_000;

/// The persisted queries of this process.
pub struct PersistedQueries(Mutex<LruCache<String, String>>);

impl Default for PersistedQueries {
    fn default() -> Self {
        PersistedQueries(Mutex::new(LruCache::new(
            NonZeroUsize::new(CAPACITY).unwrap_or(NonZeroUsize::MIN),
        )))
    }
}

/// What a request's `persistedQuery` extension asks for.
pub enum Persisted {
    /// No persisted query: run the text.
    No,
    /// Run the text, and remember it under this hash once it is accepted.
    Register(String),
}

fn error(code: &str, message: &str) -> ServerError {
    let mut err = ServerError::new(message, None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code);
    err.extensions = Some(extensions);
    err
}

impl PersistedQueries {
    /// Fills in the text of a hash-only request, or checks the hash of text and hash.
    pub fn resolve(&self, request: &mut Request) -> Result<Persisted, ServerError> {
        let Some(extension) = request.extensions.remove("persistedQuery") else {
            return Ok(Persisted::No);
        };
        let invalid = || {
            error(
                "PERSISTED_QUERY_INVALID",
                "persistedQuery must be {\"version\": 1, \"sha256Hash\": \"<64 hex digits>\"}",
            )
        };
        let ConstValue::Object(fields) = extension else {
            return Err(invalid());
        };
        let version_one =
            matches!(fields.get("version"), Some(ConstValue::Number(n)) if n.as_u64() == Some(1));
        let hash = match fields.get("sha256Hash") {
            Some(ConstValue::String(h))
                if h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()) =>
            {
                h.to_ascii_lowercase()
            }
            _ => return Err(invalid()),
        };
        if !version_one {
            return Err(invalid());
        }
        if request.query.is_empty() {
            let found = self
                .0
                .lock()
                .ok()
                .and_then(|mut cache| cache.get(&hash).cloned());
            return match found {
                Some(query) => {
                    request.query = query;
                    Ok(Persisted::No)
                }
                None => Err(error("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")),
            };
        }
        if hex::encode(Sha256::digest(request.query.as_bytes())) != hash {
            return Err(error(
                "PERSISTED_QUERY_HASH_MISMATCH",
                "the sha256Hash of persistedQuery is not the SHA-256 of the query",
            ));
        }
        Ok(Persisted::Register(hash))
    }

    /// Remembers an accepted query under its hash.
    pub fn remember(&self, hash: String, query: &str) {
        if let Ok(mut cache) = self.0.lock() {
            cache.put(hash, query.to_owned());
        }
    }
}
