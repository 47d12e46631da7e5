//! Image references (`registry/path/name:tag@digest`) and what their
//! tags say: a slim base, a pinned version. Used for a Dockerfile's `FROM`
//! and a compose service's `image:`.

/// An image reference: `registry/path/name:tag@digest`.
#[derive(Debug, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// Everything before the tag: `ghcr.io/org/app`, `python`.
    pub path: &'a str,
    /// After the last `:` of the last path segment (`3.12-slim`).
    pub tag: Option<&'a str>,
    /// After `@` (`sha256:...`).
    pub digest: Option<&'a str>,
}

/// Debian and Ubuntu release names: a tag naming one is a fixed release.
const RELEASE_NAMES: &[&str] = &[
    "buster", "bullseye", "bookworm", "trixie", "focal", "jammy", "noble",
];

impl<'a> ImageRef<'a> {
    /// Splits a reference as written; never fails.
    pub fn parse(image: &'a str) -> Self {
        let (rest, digest) = match image.split_once('@') {
            Some((r, d)) => (r, Some(d)),
            None => (image, None),
        };
        // A colon before the last slash is a registry port, not a tag.
        let slash = rest.rfind('/').map_or(0, |p| p + 1);
        let (path, tag) = match rest[slash..].rfind(':') {
            Some(c) => (&rest[..slash + c], Some(&rest[slash + c + 1..])),
            None => (rest, None),
        };
        ImageRef { path, tag, digest }
    }

    /// The name without registry or namespace: `postgres` for `docker.io/library/postgres`.
    pub fn name(&self) -> &'a str {
        self.path.rsplit('/').next().unwrap_or(self.path)
    }

    /// A small base: a slim or alpine variant, alpine itself, or distroless/chainguard.
    pub(super) fn is_slim(&self) -> bool {
        let tag = self.tag.unwrap_or("").to_ascii_lowercase();
        let path = self.path.to_ascii_lowercase();
        tag.contains("slim")
            || tag.contains("alpine")
            || self.name().eq_ignore_ascii_case("alpine")
            || path.contains("distroless")
            || path.starts_with("cgr.dev/chainguard")
    }

    /// Pinned by a digest, or by a tag naming a version or a release
    /// (`3.12-slim`, `bookworm`), not `latest`, nothing, or a variable.
    pub(super) fn is_pinned(&self) -> bool {
        if self.digest.is_some_and(|d| d.contains(':')) {
            return true;
        }
        let Some(tag) = self.tag else { return false };
        if tag.contains('$') || tag.eq_ignore_ascii_case("latest") {
            return false;
        }
        tag.chars().any(|c| c.is_ascii_digit())
            || RELEASE_NAMES
                .iter()
                .any(|r| tag.split(['-', '.']).any(|p| p.eq_ignore_ascii_case(r)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references() {
        let r = ImageRef::parse("localhost:5000/team/app:1.2@sha256:abc");
        assert_eq!(
            (r.path, r.tag, r.digest),
            ("localhost:5000/team/app", Some("1.2"), Some("sha256:abc"))
        );
        assert_eq!(ImageRef::parse("localhost:5000/app").tag, None);
        assert_eq!(
            ImageRef::parse("docker.io/library/postgres:16").name(),
            "postgres"
        );
        assert!(ImageRef::parse("python:3.12-slim").is_pinned());
        assert!(ImageRef::parse("debian:bookworm-slim").is_pinned());
        assert!(!ImageRef::parse("python:latest").is_pinned());
        assert!(!ImageRef::parse("python").is_pinned());
        assert!(!ImageRef::parse("python:slim").is_pinned());
        assert!(ImageRef::parse("python@sha256:0123").is_pinned());
        assert!(ImageRef::parse("gcr.io/distroless/python3").is_slim());
        assert!(!ImageRef::parse("python:3.12").is_slim());
    }
}
