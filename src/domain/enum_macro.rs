//! `storage_enum!`: one definition of an enumeration shared by the GraphQL API and storage.

/// Declares an enum that is a GraphQL enum and is stored as its SCREAMING_SNAKE_CASE name.
///
/// `as_str` gives the stored string; `parse` reads it back (`None` for an unknown string),
/// `from_stored` too (an `INTERNAL` error for an unknown string).
macro_rules! storage_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* #[graphql(name = $text)] $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$( $name::$variant ),+];

            /// The stored (and GraphQL) name of this value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text ),+
                }
            }

            /// Reads a stored name back; `None` when it names no value.
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $( $text => Some($name::$variant), )+
                    _ => None,
                }
            }

            /// Reads a stored name that must name a value: anything else is corrupt data, an
            /// `INTERNAL` error (logged), never a silent null.
            pub fn from_stored(text: &str) -> $crate::error::AppResult<Self> {
                Self::parse(text).ok_or_else(|| {
                    $crate::error::AppError::internal(format!(
                        "stored {} {:?} names no value",
                        stringify!($name),
                        text
                    ))
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use storage_enum;
