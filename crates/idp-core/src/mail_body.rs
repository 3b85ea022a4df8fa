//! The HTML part of an email, made from its plain text so the two always say the same:
//! each blank-line-separated paragraph a `<p>`, each line that is a link a link.

/// The HTML alternative of `text`, every character escaped.
pub fn html_alternative(text: &str) -> String {
    let mut body = String::new();
    for paragraph in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        body.push_str("<p>");
        for (i, line) in paragraph.lines().enumerate() {
            if i > 0 {
                body.push_str("<br>\n");
            }
            let line = line.trim();
            if is_link(line) {
                let href = escape(line);
                body.push_str(&format!(
                    "<a href=\"{href}\" style=\"color:#2353c8\">{href}</a>"
                ));
            } else {
                body.push_str(&escape(line));
            }
        }
        body.push_str("</p>\n");
    }
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"></head>\n\
         <body style=\"font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:15px;line-height:1.5;color:#1d2330\">\n\
         {body}</body></html>\n"
    )
}

fn is_link(line: &str) -> bool {
    (line.starts_with("https://") || line.starts_with("http://"))
        && !line.contains(char::is_whitespace)
}

/// Hand-written: five characters, where a template engine in the store would be a
/// dependency for one function.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_lines_and_links() {
        let html = html_alternative(
            "Someone asked.\n\nOpen this link within 7 days:\nhttps://idp.example/reset-password?token=a&b=1\n\nIgnore it.\n",
        );
        assert!(html.contains("<p>Someone asked.</p>"), "{html}");
        assert!(
            html.contains(
                "<p>Open this link within 7 days:<br>\n<a href=\"https://idp.example/reset-password?token=a&amp;b=1\""
            ),
            "{html}"
        );
        assert!(html.contains("<p>Ignore it.</p>"), "{html}");
    }

    #[test]
    fn nothing_from_the_text_becomes_markup() {
        let html = html_alternative("<script>alert('x')</script> & \"q\"\njavascript:alert(1)");
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;")
        );
        assert!(
            !html.contains("href=\"javascript"),
            "only http(s) lines are links"
        );
    }
}
