//! The hosted payment page: what the payer sees at a hosted service's `url`.

use alikassa_types::PaymentStatus;

use crate::store::Txn;

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
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

fn document(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n\
         <style>body{{font-family:sans-serif;max-width:32em;margin:2em auto;padding:0 1em}}\
         form{{display:inline-block;margin-right:.5em}}button{{font-size:1.1em;padding:.4em 1.2em}}\
         .note{{color:#666;font-size:.9em}}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n",
        title = escape(title),
    )
}

/// The page of a payment: its details and, while it waits, the three buttons.
pub(crate) fn payment_page(txn: &Txn) -> String {
    let mut body = format!(
        "<h1>AliKassa sandbox</h1>\n<p>Payment <strong>{id}</strong>, order <code>{order}</code></p>\n\
         <p>Amount: <strong>{amount} {currency}</strong> ({service})</p>\n\
         <p>Status: <strong id=\"status\">{status}</strong></p>\n",
        id = txn.id,
        order = escape(&txn.order_id),
        amount = txn.amount,
        currency = escape(txn.service.currency),
        service = escape(txn.service.code),
        status = escape(txn.status.as_str()),
    );
    if txn.status == PaymentStatus::Wait {
        for (action, label) in [("paid", "pay"), ("fail", "fail"), ("cancel", "cancel")] {
            body.push_str(&format!(
                "<form method=\"post\" action=\"/pay/{uuid}/{action}\"><button type=\"submit\" name=\"action\" value=\"{action}\">{label}</button></form>\n",
                uuid = escape(&txn.uuid),
            ));
        }
        body.push_str("<p class=\"note\">This is a sandbox: no money moves. The button sets the payment's final status.</p>");
    } else {
        body.push_str("<p class=\"note\">The payment is final.</p>");
    }
    document(&format!("AliKassa sandbox: payment {}", txn.id), &body)
}

/// The page shown after a button, when the merchant gave no redirect URL.
pub(crate) fn result_page(txn: &Txn) -> String {
    let body = format!(
        "<h1>AliKassa sandbox</h1>\n<p>Payment <strong>{id}</strong> is now <strong id=\"status\">{status}</strong>.</p>\n\
         <p><a href=\"/pay/{uuid}\">Back to the payment</a></p>",
        id = txn.id,
        status = escape(txn.status.as_str()),
        uuid = escape(&txn.uuid),
    );
    document(
        &format!("AliKassa sandbox: payment {} {}", txn.id, txn.status),
        &body,
    )
}

/// A page with a single message (not found, already final).
pub(crate) fn message_page(title: &str, message: &str) -> String {
    document(
        title,
        &format!("<h1>{}</h1>\n<p>{}</p>", escape(title), escape(message)),
    )
}

/// The HTML page a 502 fault answers with, as an nginx in front of the API gives.
pub(crate) const BAD_GATEWAY: &str =
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
