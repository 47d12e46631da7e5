//! Bytes to text as people's files hold it: UTF-8 with or without a
//! byte-order mark, UTF-16 (what Windows PowerShell writes), or anything
//! else read lossily.

/// Text from bytes: UTF-8 (a byte-order mark dropped), UTF-16 with a
/// byte-order mark (what Windows PowerShell's `pip freeze >` writes), or
/// UTF-8 read lossily, which sets `lossy`.
pub(super) fn decode(bytes: Vec<u8>, lossy: &mut bool) -> String {
    let utf16 = |be: bool| -> String {
        let units = bytes[2..].chunks_exact(2).map(|c| {
            if be {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                u16::from_le_bytes([c[0], c[1]])
            }
        });
        char::decode_utf16(units)
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect()
    };
    match bytes.get(..2) {
        Some([0xFF, 0xFE]) => return utf16(false),
        Some([0xFE, 0xFF]) => return utf16(true),
        _ => {}
    }
    match String::from_utf8(bytes) {
        Ok(t) => match t.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => t,
        },
        Err(e) => {
            *lossy = true;
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_decodes_utf16_with_a_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "flask==3.0\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let mut lossy = false;
        assert_eq!(super::decode(bytes, &mut lossy), "flask==3.0\n");
        assert!(!lossy);
        let mut lossy = false;
        assert_eq!(
            super::decode(b"x = '\xe9'".to_vec(), &mut lossy),
            "x = '\u{fffd}'"
        );
        assert!(lossy);
    }
}
