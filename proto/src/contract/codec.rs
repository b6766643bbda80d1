//! The codec of every generated client and server: prost's encoding, and a
//! decoding that answers `INVALID_ARGUMENT` (not prost's `INTERNAL`) for
//! bytes that are not the message, and checks a request against the
//! [contract](super) before any handler sees it.

use std::marker::PhantomData;

use bytes::Buf;
use prost::{Message, Name};
use prost_reflect::DynamicMessage;
use tonic::Status;
use tonic::codec::{Codec, DecodeBuf, Decoder};
use tonic_prost::ProstEncoder;

use super::plan::contract;
use super::status::{Violation, invalid_argument};

/// Encodes `T`, decodes and checks `U`.
#[derive(Debug, Clone)]
pub struct CheckedCodec<T, U> {
    _types: PhantomData<(T, U)>,
}

impl<T, U> Default for CheckedCodec<T, U> {
    fn default() -> Self {
        Self { _types: PhantomData }
    }
}

impl<T, U> Codec for CheckedCodec<T, U>
where
    T: Message + Send + 'static,
    U: Message + Default + Name + Send + 'static,
{
    type Encode = T;
    type Decode = U;
    type Encoder = ProstEncoder<T>;
    type Decoder = CheckedDecoder<U>;

    fn encoder(&mut self) -> Self::Encoder {
        ProstEncoder::default()
    }

    fn decoder(&mut self) -> Self::Decoder {
        CheckedDecoder { _type: PhantomData }
    }
}

/// Decodes `U`; when `U` is a request type whose rules this message could
/// break, checks them first.
#[derive(Debug)]
pub struct CheckedDecoder<U> {
    _type: PhantomData<U>,
}

impl<U: Message + Default + Name> Decoder for CheckedDecoder<U> {
    type Item = U;
    type Error = Status;

    fn decode(&mut self, buf: &mut DecodeBuf<'_>) -> Result<Option<U>, Status> {
        let Some(contract) = contract() else {
            return Err(Status::internal("Lỗi hệ thống: không đọc được mô tả giao thức"));
        };
        let root = contract
            .root(U::PACKAGE, U::NAME)
            .filter(|root| root.needs_check(buf.remaining()));
        let Some(root) = root else {
            return U::decode(buf).map(Some).map_err(|_| malformed::<U>());
        };
        let bytes = buf.copy_to_bytes(buf.remaining());
        let dynamic = DynamicMessage::decode(root.descriptor.clone(), bytes.clone()).map_err(|_| malformed::<U>())?;
        let (violations, total) = contract.check(&dynamic);
        if total > 0 {
            return Err(invalid_argument(&violations, total));
        }
        U::decode(bytes).map(Some).map_err(|_| malformed::<U>())
    }
}

/// The status for bytes that do not decode as `U`.
fn malformed<U: Name>() -> Status {
    invalid_argument(
        &[Violation {
            field: String::new(),
            reason: "MALFORMED_MESSAGE",
            description: format!(
                "Dữ liệu gửi đến không phải thông điệp protobuf {} hợp lệ",
                U::full_name()
            ),
        }],
        1,
    )
}
