//! Reading back a generated .docx: the text of its paragraphs in order and the shape of its
//! tables. The tests of the forms (unit and HTTP) check what a reader of the printed form sees
//! with it; it reads the WordprocessingML docx-rs writes, not arbitrary Word files.

use std::io::Read;

/// `word/document.xml` of a .docx.
pub fn document_xml(docx: &[u8]) -> Result<String, std::io::Error> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).map_err(std::io::Error::other)?;
    let mut part = zip.by_name("word/document.xml").map_err(std::io::Error::other)?;
    let mut xml = String::new();
    part.read_to_string(&mut xml)?;
    Ok(xml)
}

/// The text of every non-empty paragraph, in document order (table cells included, row by
/// row), runs joined.
pub fn paragraphs(xml: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for tok in tokens(xml) {
        match tok {
            Token::Open(name, _) if name == "w:p" => current = Some(String::new()),
            Token::Close(name) if name == "w:p" => {
                if let Some(p) = current.take().filter(|p| !p.trim().is_empty()) {
                    out.push(p);
                }
            }
            Token::Text(t) => {
                if let Some(p) = current.as_mut() {
                    p.push_str(&t);
                }
            }
            _ => {}
        }
    }
    out
}

/// `paragraphs` of a .docx's document; panics on a broken file (for tests).
pub fn document_text(docx: &[u8]) -> Vec<String> {
    paragraphs(&document_xml(docx).expect("a readable .docx"))
}

/// A top-level table as laid out: its grid and, per row, how many grid columns its cells span.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableShape {
    pub grid: Vec<usize>,
    pub width: Option<usize>,
    pub fixed_layout: bool,
    pub row_spans: Vec<usize>,
}

/// The shape of every top-level table (nested tables are part of their cell).
pub fn tables(xml: &str) -> Vec<TableShape> {
    let mut out: Vec<TableShape> = Vec::new();
    let mut depth = 0usize;
    for tok in tokens(xml) {
        match tok {
            Token::Open(name, attrs) | Token::Empty(name, attrs) => match name.as_str() {
                "w:tbl" => {
                    depth += 1;
                    if depth == 1 {
                        out.push(TableShape::default());
                    }
                }
                _ if depth != 1 => {}
                "w:gridCol" => out.last_mut().unwrap().grid.push(attr_num(&attrs, "w:w")),
                "w:tblW" => out.last_mut().unwrap().width = Some(attr_num(&attrs, "w:w")),
                "w:tblLayout" => out.last_mut().unwrap().fixed_layout = attrs.contains("w:type=\"fixed\""),
                "w:tr" => out.last_mut().unwrap().row_spans.push(0),
                "w:tc" => *out.last_mut().unwrap().row_spans.last_mut().unwrap() += 1,
                "w:gridSpan" => {
                    let n = attr_num(&attrs, "w:val");
                    *out.last_mut().unwrap().row_spans.last_mut().unwrap() += n - 1;
                }
                _ => {}
            },
            Token::Close(name) if name == "w:tbl" => depth -= 1,
            _ => {}
        }
    }
    out
}

fn attr_num(attrs: &str, name: &str) -> usize {
    let key = format!("{name}=\"");
    attrs
        .find(&key)
        .and_then(|i| {
            let rest = &attrs[i + key.len()..];
            rest[..rest.find('"')?].parse().ok()
        })
        .unwrap_or(0)
}

enum Token {
    Open(String, String),
    Empty(String, String),
    Close(String),
    Text(String),
}

/// A minimal scanner over the XML docx-rs writes: tags and the text of `w:t` elements.
fn tokens(xml: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut rest = xml;
    let mut in_text = false;
    while let Some(lt) = rest.find('<') {
        if in_text && lt > 0 {
            out.push(Token::Text(unescape(&rest[..lt])));
        }
        let Some(gt) = rest[lt..].find('>') else { break };
        let tag = &rest[lt + 1..lt + gt];
        rest = &rest[lt + gt + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            in_text = false;
            out.push(Token::Close(name.trim().to_owned()));
            continue;
        }
        let empty = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let (name, attrs) = tag.split_once(char::is_whitespace).unwrap_or((tag, ""));
        in_text = name == "w:t" && !empty;
        if empty {
            out.push(Token::Empty(name.to_owned(), attrs.to_owned()));
        } else {
            out.push(Token::Open(name.to_owned(), attrs.to_owned()));
        }
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraph_texts_are_joined_runs_in_order() {
        let xml = r#"<w:body><w:p><w:r><w:t xml:space="preserve">项目</w:t></w:r><w:r><w:t>名称 &amp; &lt;x&gt;</w:t></w:r></w:p><w:p /><w:p><w:r><w:t></w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>格</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body>"#;
        assert_eq!(paragraphs(xml), ["项目名称 & <x>", "格"]);
    }

    #[test]
    fn table_shapes_count_spans_and_skip_nested_tables() {
        let xml = r#"<w:tbl><w:tblPr><w:tblW w:w="100" w:type="dxa" /><w:tblLayout w:type="fixed" /></w:tblPr><w:tblGrid><w:gridCol w:w="40" /><w:gridCol w:w="60" /></w:tblGrid><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2" /></w:tcPr><w:tbl><w:tr><w:tc></w:tc><w:tc></w:tc><w:tc></w:tc></w:tr></w:tbl></w:tc></w:tr><w:tr><w:tc></w:tc><w:tc></w:tc></w:tr></w:tbl>"#;
        assert_eq!(
            tables(xml),
            [TableShape {
                grid: vec![40, 60],
                width: Some(100),
                fixed_layout: true,
                row_spans: vec![2, 2],
            }]
        );
    }
}
