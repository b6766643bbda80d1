//! Closed vocabularies (states, kinds, channels…) written once.
//!
//! A domain enum has three spellings: the variant the code matches on, the
//! text code stored in the database, and the number of its protobuf enum on
//! the wire. [`coded!`](crate::coded) declares the enum with its stored codes
//! (and, when people read it, its Vietnamese labels) in `domain/`;
//! [`wire_enum!`](crate::wire_enum) maps it to its protobuf enum in `api/`,
//! so no type of the wire reaches the domain or the store.
//!
//! Reading never guesses: a code or wire number this version does not know
//! is an [`UnknownCode`], which a store turns into a
//! [`CorruptRow`](crate::db::CorruptRow) (see
//! [`RowDecoder::coded`](crate::db::RowDecoder::coded)) and an API into
//! `INVALID_ARGUMENT` naming the field. Nothing here panics.

/// A code or wire number that names no value of a vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnknownCode {
    /// A stored text code this version does not know.
    #[error("{what}: unknown code {code:?}")]
    Code {
        /// The vocabulary (the enum's name).
        what: &'static str,
        /// The code as given.
        code: String,
    },
    /// A wire number that is unspecified (0) or unknown.
    #[error("{what}: unknown or unspecified wire value {value}")]
    Wire {
        /// The vocabulary (the enum's name).
        what: &'static str,
        /// The number as given.
        value: i32,
    },
}

/// A closed vocabulary with stored text codes; implemented by
/// [`coded!`](crate::coded), which also gives the enum the same functions as
/// inherent ones so callers need no import.
pub trait Coded: Copy + Eq + Sized + 'static {
    /// The vocabulary's name, for errors.
    const WHAT: &'static str;
    /// Every value, in declaration order.
    const ALL: &'static [Self];

    /// The code stored in the database.
    fn code(self) -> &'static str;

    /// The value of a stored code.
    fn from_code(code: &str) -> Result<Self, UnknownCode> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.code() == code)
            .ok_or_else(|| UnknownCode::Code {
                what: Self::WHAT,
                code: code.to_string(),
            })
    }
}

/// A vocabulary with a protobuf enum; implemented by
/// [`wire_enum!`](crate::wire_enum).
pub trait Wire: Sized {
    /// The protobuf enum's number.
    fn to_wire(self) -> i32;

    /// The value of a protobuf enum number; unspecified (0) and unknown
    /// numbers are errors.
    fn from_wire(value: i32) -> Result<Self, UnknownCode>;

    /// Like [`Wire::from_wire`], but unspecified (0) means `default`.
    fn from_wire_or(value: i32, default: Self) -> Result<Self, UnknownCode> {
        if value == 0 {
            Ok(default)
        } else {
            Self::from_wire(value)
        }
    }
}

/// Declares a domain enum with its stored codes, optionally with a label
/// per value (what people read), and implements [`Coded`] for it. The enum
/// also gets inherent `ALL`, `code()`, `from_code()` and (with labels)
/// `label()`.
///
/// ```
/// vanphong_platform::coded! {
///     /// Paper or electronic.
///     pub enum Channel {
///         Paper = "paper",
///         Electronic = "electronic",
///     }
/// }
/// vanphong_platform::coded! {
///     /// Loại đơn.
///     pub enum Kind {
///         Complaint = ("complaint", "Khiếu nại"),
///         Denunciation = ("denunciation", "Tố cáo"),
///     }
/// }
/// assert_eq!(Channel::from_code("paper"), Ok(Channel::Paper));
/// assert!(Channel::from_code("fax").is_err());
/// assert_eq!(Kind::Complaint.label(), "Khiếu nại");
/// ```
#[macro_export]
macro_rules! coded {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = ($code:literal, $label:literal)),+ $(,)?
        }
    ) => {
        $crate::coded! {
            $(#[$meta])*
            $vis enum $name {
                $($(#[$vmeta])* $variant = $code),+
            }
        }

        impl $name {
            /// What people call it (Vietnamese).
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }
        }
    };
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $crate::coded::Coded for $name {
            const WHAT: &'static str = stringify!($name);
            const ALL: &'static [$name] = &[$($name::$variant),+];

            fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }
        }

        #[allow(dead_code)]
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = <$name as $crate::coded::Coded>::ALL;

            /// The code stored in the database.
            pub fn code(self) -> &'static str {
                <$name as $crate::coded::Coded>::code(self)
            }

            /// The value of a stored code; an unknown code is an error.
            pub fn from_code(code: &str) -> Result<Self, $crate::coded::UnknownCode> {
                <$name as $crate::coded::Coded>::from_code(code)
            }
        }
    };
}

/// Maps a domain enum to its protobuf enum (named `module::Enum`), value by
/// value (the variants have the same names on both sides), implementing [`Wire`] and giving the
/// enum inherent `to_wire()`, `from_wire()` and `from_wire_or()`. Written in
/// `api/`, where the wire types belong; a variant missing on either side
/// fails to compile.
///
/// ```ignore
/// vanphong_platform::wire_enum!(Channel => wire::Channel { Paper, Electronic });
/// ```
#[macro_export]
macro_rules! wire_enum {
    ($name:ident => $wmod:ident :: $wenum:ident { $($variant:ident),+ $(,)? }) => {
        impl $crate::coded::Wire for $name {
            fn to_wire(self) -> i32 {
                (match self {
                    $($name::$variant => $wmod::$wenum::$variant),+
                }) as i32
            }

            fn from_wire(value: i32) -> Result<Self, $crate::coded::UnknownCode> {
                #[allow(unreachable_patterns)]
                match $wmod::$wenum::try_from(value) {
                    $(Ok($wmod::$wenum::$variant) => Ok($name::$variant),)+
                    _ => Err($crate::coded::UnknownCode::Wire {
                        what: stringify!($name),
                        value,
                    }),
                }
            }
        }

        #[allow(dead_code)]
        impl $name {
            /// The protobuf enum's number.
            pub fn to_wire(self) -> i32 {
                <$name as $crate::coded::Wire>::to_wire(self)
            }

            /// The value of a protobuf enum number; unspecified and unknown
            /// numbers are errors.
            pub fn from_wire(value: i32) -> Result<Self, $crate::coded::UnknownCode> {
                <$name as $crate::coded::Wire>::from_wire(value)
            }

            /// The value of a protobuf enum number, `default` when
            /// unspecified; unknown numbers are errors.
            pub fn from_wire_or(value: i32, default: Self) -> Result<Self, $crate::coded::UnknownCode> {
                <$name as $crate::coded::Wire>::from_wire_or(value, default)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A protobuf-like enum, as prost generates them.
    mod wire {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(i32)]
        pub enum Colour {
            Unspecified = 0,
            Red = 1,
            Blue = 2,
        }

        impl TryFrom<i32> for Colour {
            type Error = ();
            fn try_from(value: i32) -> Result<Self, ()> {
                match value {
                    0 => Ok(Colour::Unspecified),
                    1 => Ok(Colour::Red),
                    2 => Ok(Colour::Blue),
                    _ => Err(()),
                }
            }
        }
    }

    crate::coded! {
        /// A test vocabulary.
        pub enum Colour {
            Red = ("red", "Đỏ"),
            Blue = ("blue", "Xanh"),
        }
    }

    crate::wire_enum!(Colour => wire::Colour { Red, Blue });

    #[test]
    fn codes_and_wire_numbers_round_trip() {
        for c in Colour::ALL {
            assert_eq!(Colour::from_code(c.code()), Ok(*c));
            assert_eq!(Colour::from_wire(c.to_wire()), Ok(*c));
        }
        assert_eq!(Colour::Blue.label(), "Xanh");
        assert_eq!(Colour::from_wire_or(0, Colour::Blue), Ok(Colour::Blue));
        assert_eq!(Colour::from_wire_or(1, Colour::Blue), Ok(Colour::Red));
    }

    #[test]
    fn unknown_codes_and_numbers_are_typed_errors() {
        assert_eq!(
            Colour::from_code("green"),
            Err(UnknownCode::Code {
                what: "Colour",
                code: "green".into()
            })
        );
        assert_eq!(
            Colour::from_wire(0),
            Err(UnknownCode::Wire {
                what: "Colour",
                value: 0
            })
        );
        assert!(Colour::from_wire(7).is_err());
        assert!(Colour::from_wire(-1).is_err());
        assert!(Colour::from_wire_or(9, Colour::Red).is_err());
    }
}
