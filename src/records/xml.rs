//! A small streaming helper over quick-xml: hands over the outermost elements with chosen
//! names (`<post>`, `<item>`) one at a time as little trees, with the line they start on.
//! Everything outside those elements is read and dropped, so memory holds one record.

use quick_xml::events::Event;
use quick_xml::Reader;

/// An element: qualified name, attributes, its own text (CDATA and entities included) and
/// child elements.
#[derive(Debug, Clone, Default)]
pub struct Node {
    /// Qualified name as written (`wp:comment`).
    pub name: String,
    /// Attributes as written, values unescaped.
    pub attrs: Vec<(String, String)>,
    /// Text directly inside, concatenated.
    pub text: String,
    /// Child elements in order.
    pub children: Vec<Node>,
    /// 1-based line of the start tag.
    pub line: usize,
}

impl Node {
    /// The first child with this qualified name.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The trimmed text of the first child with this name, if it has any.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim()).filter(|t| !t.is_empty())
    }

    /// The value of an attribute.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The start tag with its attributes, for messages: `<post dsq:id="5">`.
    pub fn tag(&self) -> String {
        let mut s = format!("<{}", self.name);
        for (k, v) in &self.attrs {
            s.push_str(&format!(" {k}=\"{v}\""));
        }
        s.push('>');
        s
    }
}

/// Line counter over the input, advanced monotonically with the reader's byte position.
struct Lines<'a> {
    text: &'a [u8],
    pos: usize,
    line: usize,
}

impl Lines<'_> {
    fn at(&mut self, pos: usize) -> usize {
        let pos = pos.min(self.text.len());
        if pos > self.pos {
            self.line += self.text[self.pos..pos].iter().filter(|&&b| b == b'\n').count();
            self.pos = pos;
        }
        self.line
    }
}

/// Calls `f` with each outermost element whose name is in `names`, in document order.
/// Returns the line and a message when the XML is not well-formed; the elements before that
/// point have been handed over.
pub fn for_each(
    text: &str,
    names: &[&str],
    mut f: impl FnMut(Node),
) -> Result<(), (usize, String)> {
    let mut reader = Reader::from_str(text);
    let mut lines = Lines { text: text.as_bytes(), pos: 0, line: 1 };
    let mut stack: Vec<Node> = Vec::new();
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| {
            let line = lines.at(reader.error_position() as usize);
            (line, format!("malformed XML: {e}"))
        })?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) if !stack.is_empty() || wanted(e, names) => {
                let empty = matches!(event, Event::Empty(_));
                // The start tag begins at the first '<' after `before`.
                let start = text[before..].find('<').map_or(before, |o| before + o);
                let node = Node {
                    name: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                    attrs: e
                        .attributes()
                        .flatten()
                        .map(|a| {
                            let k = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                            let v = a
                                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .map(|v| v.into_owned())
                                .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned());
                            (k, v)
                        })
                        .collect(),
                    line: lines.at(start),
                    ..Node::default()
                };
                stack.push(node);
                if empty {
                    close(&mut stack, &mut f);
                }
            }
            Event::End(_) if !stack.is_empty() => close(&mut stack, &mut f),
            Event::Text(t) if !stack.is_empty() => {
                let s =
                    t.xml10_content().map_err(|e| (lines.line, format!("malformed XML: {e}")))?;
                stack.last_mut().expect("non-empty").text.push_str(&s);
            }
            Event::CData(t) if !stack.is_empty() => {
                let s =
                    t.xml10_content().map_err(|e| (lines.line, format!("malformed XML: {e}")))?;
                stack.last_mut().expect("non-empty").text.push_str(&s);
            }
            Event::GeneralRef(r) if !stack.is_empty() => {
                let name = r
                    .decode()
                    .map_err(|e| (lines.line, format!("malformed XML: {e}")))?
                    .into_owned();
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => quick_xml::escape::resolve_xml_entity(&name)
                        .map(str::to_string)
                        .unwrap_or_else(|| format!("&{name};")),
                };
                stack.last_mut().expect("non-empty").text.push_str(&resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(open) = stack.first() {
        return Err((open.line, format!("{} is never closed", open.tag())));
    }
    Ok(())
}

fn wanted(e: &quick_xml::events::BytesStart<'_>, names: &[&str]) -> bool {
    names.iter().any(|n| e.name().as_ref() == n.as_bytes())
}

fn close(stack: &mut Vec<Node>, f: &mut impl FnMut(Node)) {
    let node = stack.pop().expect("an open element");
    match stack.last_mut() {
        Some(parent) => parent.children.push(node),
        None => f(node),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_outermost_elements_with_lines_text_and_entities() {
        let xml = "<r>\n<a id=\"1\"><b>x &amp; y</b><c/><![CDATA[<p>z</p>]]></a>\n<d/>\n<a id=\"2\">&#x41;</a></r>";
        let mut got = Vec::new();
        for_each(xml, &["a"], |n| got.push(n)).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].line, got[0].attr("id")), (2, Some("1")));
        assert_eq!(got[0].child_text("b"), Some("x & y"));
        assert!(got[0].child("c").is_some());
        assert_eq!(got[0].text, "<p>z</p>");
        assert_eq!((got[1].line, got[1].text.as_str()), (4, "A"));
    }

    #[test]
    fn malformed_xml_names_its_line_and_keeps_what_came_before() {
        let xml = "<r>\n<a>1</a>\n<a>2</b>\n</r>";
        let mut n = 0;
        let (line, err) = for_each(xml, &["a"], |_| n += 1).unwrap_err();
        assert_eq!((n, line), (1, 3));
        assert!(err.contains("malformed XML"), "{err}");
    }
}
