//! Log output: human-readable lines, or one JSON object per line (`LOG_FORMAT=json`) with the
//! event's fields at the top level and the current span (the request: `request_id`, `method`,
//! `path`) under `span`.

use std::io::IsTerminal;

use tracing::Subscriber;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// The filter when `RUST_LOG` is not set.
pub const DEFAULT_FILTER: &str = "info,sea_orm_migration=warn";

/// A subscriber writing `format` lines that `filter` lets through to `writer` (text lines in
/// colour when `colour`).
pub fn subscriber<W>(
    format: LogFormat,
    filter: EnvFilter,
    writer: W,
    colour: bool,
) -> Box<dyn Subscriber + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    match format {
        LogFormat::Text => Box::new(builder.with_ansi(colour).finish()),
        LogFormat::Json => Box::new(
            builder
                .json()
                .flatten_event(true)
                .with_current_span(true)
                .with_span_list(false)
                .finish(),
        ),
    }
}

/// Sends the process's logs to standard error in `format`, filtered by `RUST_LOG`.
pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let colour = std::io::stderr().is_terminal();
    let subscriber = subscriber(format, filter, std::io::stderr, colour);
    // `try_init` also routes `log` records (from libraries that use it) into the subscriber.
    if let Err(err) = subscriber.try_init() {
        eprintln!("logging is already set up: {err}");
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .write(bytes)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'w> MakeWriter<'w> for Buffer {
        type Writer = Buffer;
        fn make_writer(&'w self) -> Buffer {
            self.clone()
        }
    }

    fn log_a_request_line(format: LogFormat) -> String {
        let buffer = Buffer::default();
        let subscriber = subscriber(format, EnvFilter::new("info"), buffer.clone(), false);
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!("request", request_id = %"req-42", method = %"POST");
            let _entered = span.enter();
            tracing::info!(status = 503, "database unavailable");
            tracing::debug!("filtered out");
        });
        let bytes = buffer.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
        String::from_utf8(bytes).unwrap_or_default()
    }

    #[test]
    fn json_lines_carry_the_message_fields_and_request_id() {
        let out = log_a_request_line(LogFormat::Json);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 1, "{out}");
        let line: serde_json::Value = serde_json::from_str(lines[0]).unwrap_or_default();
        assert_eq!(line["level"], "INFO", "{out}");
        assert_eq!(line["message"], "database unavailable");
        assert_eq!(line["status"], 503);
        assert_eq!(line["span"]["name"], "request");
        assert_eq!(line["span"]["request_id"], "req-42");
        assert!(line["timestamp"].is_string());
    }

    #[test]
    fn text_lines_name_the_request_too() {
        let out = log_a_request_line(LogFormat::Text);
        assert!(out.contains("request_id=req-42"), "{out}");
        assert!(out.contains("database unavailable"));
        assert!(serde_json::from_str::<serde_json::Value>(out.trim()).is_err());
    }
}
