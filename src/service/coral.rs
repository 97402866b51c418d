//! Coral's external moderation phase: a signed webhook Coral calls for every new or edited
//! comment, answered with flags and a status.
//!
//! Signature: `X-Coral-Signature` holds one or more comma-separated `sha256=HEX` values, each
//! the HMAC-SHA256 of the raw body under one of the phase's signing secrets (several while a
//! secret is being rotated). A request passes when any value matches any secret we hold
//! (`serve --coral-secrets FILE`); comparison is constant-time.
//!
//! The answer, from the verdict `audit` gives the comment's text:
//!
//! | verdict | answer |
//! |---|---|
//! | `remove` | 200 `{"status": "REJECTED", "actions": [FLAG]}` |
//! | `review` | 200 `{"status": "SYSTEM_WITHHELD", "actions": [FLAG]}` |
//! | `note`, `ok` | 204, no body: Coral goes on as if the phase had not spoken |
//!
//! The flag's reason is `COMMENT_DETECTED_SPAM` when every flag at the verdict's action is in
//! the `spam` category, else `COMMENT_DETECTED_TOXIC`.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::audit::RecordAudit;
use crate::lexicon::{Action, Verdict};

/// The signing secrets accepted (`serve --coral-secrets FILE`: one per line, `#` comments).
#[derive(Clone, Debug, Default)]
pub struct Secrets {
    secrets: Vec<Vec<u8>>,
}

impl Secrets {
    /// Reads the secrets file's text.
    pub fn parse(text: &str) -> Result<Secrets, String> {
        let secrets: Vec<Vec<u8>> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| l.as_bytes().to_vec())
            .collect();
        if secrets.is_empty() {
            return Err("no secrets in the file (one per line; `#` starts a comment)".into());
        }
        Ok(Secrets { secrets })
    }

    /// How many secrets there are.
    pub fn len(&self) -> usize {
        self.secrets.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }

    /// Whether `header` (the `X-Coral-Signature` value) signs `body` under any secret.
    pub fn verify(&self, body: &[u8], header: Option<&str>) -> bool {
        let Some(header) = header else { return false };
        let mut ok = false;
        for part in header.split(',') {
            let Some(hex_sig) = part.trim().strip_prefix("sha256=") else { continue };
            let Ok(sig) = hex::decode(hex_sig) else { continue };
            for secret in &self.secrets {
                let mut mac =
                    Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
                mac.update(body);
                // `verify_slice` compares in constant time.
                ok |= mac.verify_slice(&sig).is_ok();
            }
        }
        ok
    }
}

/// `sha256=HEX` of `body` under `secret`.
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The comment in Coral's request.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Comment {
    /// Its body (HTML or text, as the phase's format says).
    pub body: String,
    /// The comment it answers, if any.
    #[serde(default, rename = "parentID")]
    pub parent_id: Option<String>,
}

/// The story in Coral's request.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Story {
    /// Its id.
    #[serde(default)]
    pub id: Option<String>,
    /// Its URL.
    #[serde(default)]
    pub url: Option<String>,
}

/// Coral's external moderation request.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Request {
    /// `NEW` or `EDIT`.
    pub action: String,
    /// The comment.
    pub comment: Comment,
    /// The author (`id`, `role`); read only for logs.
    #[serde(default)]
    pub author: Option<serde_json::Value>,
    /// The story.
    #[serde(default)]
    pub story: Option<Story>,
    /// The site (`id`).
    #[serde(default)]
    pub site: Option<serde_json::Value>,
    /// The tenant.
    #[serde(default, rename = "tenantID")]
    pub tenant_id: Option<String>,
    /// The tenant's domain.
    #[serde(default, rename = "tenantDomain")]
    pub tenant_domain: Option<String>,
}

impl Request {
    /// The comment's text: an HTML body (Coral's default format) as text.
    pub fn text(&self) -> String {
        let b = &self.comment.body;
        if b.contains('<') && b.contains('>') {
            crate::records::html::to_text(b)
        } else {
            b.clone()
        }
    }
}

/// One of Coral's moderation actions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CoralAction {
    /// Always `FLAG`.
    #[serde(rename = "actionType")]
    pub action_type: &'static str,
    /// `COMMENT_DETECTED_TOXIC` or `COMMENT_DETECTED_SPAM`.
    pub reason: &'static str,
}

/// Coral's external moderation response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Response {
    /// Flags to add.
    pub actions: Vec<CoralAction>,
    /// The status that ends Coral's moderation of the comment.
    pub status: &'static str,
}

/// The answer to a comment with this audit; `None` is "no decision" (HTTP 204).
pub fn answer(audit: &RecordAudit) -> Option<Response> {
    let (status, action) = match audit.verdict {
        Verdict::Remove => ("REJECTED", Action::Remove),
        Verdict::Review => ("SYSTEM_WITHHELD", Action::Review),
        Verdict::Note | Verdict::Ok => return None,
    };
    let spam = audit.flags.iter().filter(|f| f.action == action).all(|f| f.category == "spam");
    let reason = if spam { "COMMENT_DETECTED_SPAM" } else { "COMMENT_DETECTED_TOXIC" };
    Some(Response { actions: vec![CoralAction { action_type: "FLAG", reason }], status })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::ToneLanguages;
    use crate::lexicon::Lexicon;

    #[test]
    fn any_valid_signature_under_any_secret_passes() {
        let secrets = Secrets::parse("# rotated on Monday\nold-secret\nnew-secret\n").unwrap();
        let body = br#"{"action":"NEW"}"#;
        let new = sign(b"new-secret", body);
        let old = sign(b"old-secret", body);
        let stranger = sign(b"someone-else", body);
        assert!(secrets.verify(body, Some(&new)));
        assert!(secrets.verify(body, Some(&format!("{stranger},{old}"))));
        assert!(!secrets.verify(body, Some(&stranger)));
        assert!(!secrets.verify(b"{\"action\":\"EDIT\"}", Some(&new)), "another body");
        assert!(!secrets.verify(body, None));
        assert!(!secrets.verify(body, Some("sha256=zz,sha1=00,garbage")));
        assert!(!secrets.verify(body, Some(&new.replace("sha256=", "sha1="))));
        assert!(Secrets::parse("\n# none\n").is_err());
    }

    #[test]
    fn signatures_are_hmac_sha256_in_hex() {
        // RFC 4231, test case 2.
        assert_eq!(
            sign(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn verdicts_map_to_coral_statuses() {
        let lex = Lexicon::builtin();
        let a = crate::tone::Analyzer::new();
        let tones = ToneLanguages::default();
        let audit =
            |t: &str| crate::audit::audit_text(serde_json::Value::Null, t, &a, &lex, &tones);
        let threat = answer(&audit("I will kill you")).unwrap();
        assert_eq!(threat.status, "REJECTED");
        assert_eq!(threat.actions[0].reason, "COMMENT_DETECTED_TOXIC");
        let insult = answer(&audit("What an idiot.")).unwrap();
        assert_eq!(insult.status, "SYSTEM_WITHHELD");
        assert!(answer(&audit("Thanks for the article.")).is_none());
        let links = "see http://a.example http://b.example http://c.example http://d.example";
        let spam = answer(&audit(links)).unwrap();
        assert_eq!(spam.actions[0].reason, "COMMENT_DETECTED_SPAM");
    }

    #[test]
    fn html_bodies_are_read_as_text() {
        let r: Request = serde_json::from_value(serde_json::json!({
            "action": "NEW",
            "comment": {"body": "<p>You are an <b>idiot</b></p>", "parentID": null},
            "author": {"id": "u1", "role": "COMMENTER"},
            "story": {"id": "s1", "url": "http://localhost/story"},
            "site": {"id": "site"}, "tenantID": "t", "tenantDomain": "localhost"
        }))
        .unwrap();
        assert_eq!(r.text().trim(), "You are an idiot");
    }
}
