//! Automatic persisted queries (Apollo's protocol): a client sends the SHA-256 of a query
//! instead of its text; an unknown hash answers `PersistedQueryNotFound` (code
//! `PERSISTED_QUERY_NOT_FOUND`), and the client sends text and hash once, after which the
//! hash alone runs it. The store is an LRU in each server process, bounded in queries and bytes,
//! and holds only queries that validated and ran. Each account has its own: a hash another
//! account's client sent is unknown to this one's (a hit would tell that someone sent that very
//! text, its search terms and all).

use std::num::NonZeroUsize;
use std::sync::Mutex;

use async_graphql::{Request, ServerError};
use async_graphql_value::ConstValue;
use lru::LruCache;
use sha2::{Digest, Sha256};

/// Queries a server process remembers.
pub const CAPACITY: usize = 1_000;
/// Bytes of query text a server process remembers (the least recently used go first).
pub const CAPACITY_BYTES: usize = 8 * 1024 * 1024;

/// The persisted queries of this process, with the bytes of text they hold.
pub struct PersistedQueries(Mutex<(LruCache<Key, String>, usize)>);

/// A remembered query's key: the account whose client registered it, and its hash.
type Key = (i64, String);

impl Default for PersistedQueries {
    fn default() -> Self {
        let cache = LruCache::new(NonZeroUsize::new(CAPACITY).unwrap_or(NonZeroUsize::MIN));
        PersistedQueries(Mutex::new((cache, 0)))
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
    crate::graphql::limits::with_code(ServerError::new(message, None), code)
}

impl PersistedQueries {
    /// Fills in the text of a hash-only request from what `account`'s clients registered, or
    /// checks the hash of text and hash.
    pub fn resolve(&self, account: i64, request: &mut Request) -> Result<Persisted, ServerError> {
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
                .and_then(|mut store| store.0.get(&(account, hash)).cloned());
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

    /// Remembers a query of `account`'s that validated and ran under its hash, forgetting the
    /// least recently used ones past [`CAPACITY`] queries or [`CAPACITY_BYTES`] of text.
    pub fn remember(&self, account: i64, hash: String, query: &str) {
        let Ok(mut store) = self.0.lock() else {
            return;
        };
        let (cache, bytes) = &mut *store;
        *bytes += query.len();
        if let Some((_, old)) = cache.push((account, hash), query.to_owned()) {
            *bytes -= old.len();
        }
        while *bytes > CAPACITY_BYTES {
            let Some((_, old)) = cache.pop_lru() else {
                break;
            };
            *bytes -= old.len();
        }
    }

    /// How many queries and bytes of text are remembered.
    #[cfg(test)]
    fn size(&self) -> (usize, usize) {
        self.0
            .lock()
            .map(|store| (store.0.len(), store.1))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_is_bounded_in_bytes_and_counts_replacements_once() {
        let store = PersistedQueries::default();
        let text = "x".repeat(100_000);
        for i in 0..200 {
            store.remember(1, format!("{i}"), &text);
        }
        let (queries, bytes) = store.size();
        assert_eq!(queries, CAPACITY_BYTES / 100_000);
        assert_eq!(bytes, queries * 100_000);
        // The same hash again replaces its text.
        store.remember(1, "199".into(), "{ a }");
        assert_eq!(store.size(), (queries, (queries - 1) * 100_000 + 5));
    }
}
