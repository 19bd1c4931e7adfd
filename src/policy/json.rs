//! A small JSON value with its parser and writer, used instead of serde_json where the code
//! runs in the marketing-page wasm (the policy reader, the outbox, the proof of consent): a
//! purpose-built parser is a fraction of serde_json's size.
//!
//! Syntax errors read like serde_json's (`trailing comma at line 3 column 28`), objects keep
//! their keys sorted and unique (a repeated key keeps the last value), nesting is limited to
//! 127 levels. Numbers are `f64`; integers up to 2^53 are exact, other values close enough
//! for what the widget keeps in them (counts and millisecond times).

use crate::prelude::*;

/// A JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Json>),
    Object(Object),
}

/// A JSON object: its members sorted by key, each key once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Object(Vec<(String, Json)>);

impl Object {
    /// An empty object.
    pub fn new() -> Object {
        Object(Vec::new())
    }

    /// Sets `key` (replacing an earlier value); returns the object for chaining.
    pub fn with(mut self, key: &str, value: Json) -> Object {
        self.insert(key.to_string(), value);
        self
    }

    /// Sets `key`, replacing an earlier value.
    pub fn insert(&mut self, key: String, value: Json) {
        match self.0.binary_search_by(|(k, _)| k.as_str().cmp(&key)) {
            Ok(i) => {
                if let Some(slot) = self.0.get_mut(i) {
                    slot.1 = value;
                }
            }
            Err(i) => self.0.insert(i, (key, value)),
        }
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Json> {
        let i = self.0.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok()?;
        self.0.get(i).map(|(_, v)| v)
    }

    /// The members in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Json)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }
}

impl Json {
    /// A string value.
    pub fn str(s: &str) -> Json {
        Json::String(s.to_string())
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(o) => o.get(key),
            _ => None,
        }
    }

    /// The text of a string value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value of a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The items of an array.
    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The JSON text (compact; object keys in order; a number without a fraction part is
    /// written as an integer, a fraction part is dropped, a non-finite number is `null`).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => write_number(*n, out),
            Json::String(s) => write_string(s, out),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(o) => {
                out.push('{');
                for (i, (k, v)) in o.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(k, out);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

fn write_number(n: f64, out: &mut String) {
    if !n.is_finite() {
        out.push_str("null");
        return;
    }
    if n < 0.0 {
        out.push('-');
    }
    // `as` drops the fraction and saturates at u64::MAX.
    push_u64(out, n.abs() as u64);
}

fn write_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(char::from(HEX[(c as usize) >> 4]));
                out.push(char::from(HEX[(c as usize) & 15]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends `n` in decimal.
pub fn push_u64(out: &mut String, n: u64) {
    // Most significant digit first, by recursion (at most twenty deep): no buffer, no index.
    if n >= 10 {
        push_u64(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// A JSON syntax error: what is wrong and where (line from 1; column from 1, 0 before the
/// first character of a line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub reason: &'static str,
    pub line: usize,
    pub column: usize,
}

impl SyntaxError {
    /// `reason at line L column C`, as serde_json words it.
    pub fn message(&self) -> String {
        let mut m = String::from(self.reason);
        m.push_str(" at line ");
        push_u64(&mut m, self.line as u64);
        m.push_str(" column ");
        push_u64(&mut m, self.column as u64);
        m
    }
}

/// Parses a JSON text.
pub fn parse(text: &str) -> Result<Json, SyntaxError> {
    let mut p = Parser { text, b: text.as_bytes(), i: 0, depth: 128 };
    p.ws();
    let value = p.value()?;
    p.ws();
    if p.i < p.b.len() {
        return Err(p.peek_err("trailing characters"));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    /// Nesting levels left.
    depth: u32,
}

type Parsed<T> = Result<T, SyntaxError>;

impl Parser<'_> {
    fn err_at(&self, end: usize) -> impl FnOnce(&'static str) -> SyntaxError + '_ {
        move |reason| {
            let (mut line, mut column) = (1, 0);
            for &c in self.b.iter().take(end) {
                if c == b'\n' {
                    line += 1;
                    column = 0;
                } else {
                    column += 1;
                }
            }
            SyntaxError { reason, line, column }
        }
    }

    /// An error at the current position (after the last character read).
    fn err(&self, reason: &'static str) -> SyntaxError {
        self.err_at(self.i)(reason)
    }

    /// An error at the next character (the one looked at).
    fn peek_err(&self, reason: &'static str) -> SyntaxError {
        self.err_at((self.i + 1).min(self.b.len()))(reason)
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }

    fn ws(&mut self) -> Option<u8> {
        while let Some(c) = self.peek() {
            if !matches!(c, b' ' | b'\n' | b'\t' | b'\r') {
                return Some(c);
            }
            self.i += 1;
        }
        None
    }

    fn value(&mut self) -> Parsed<Json> {
        match self.peek() {
            None => Err(self.peek_err("EOF while parsing a value")),
            Some(b'n') => self.ident(b"null", Json::Null),
            Some(b't') => self.ident(b"true", Json::Bool(true)),
            Some(b'f') => self.ident(b"false", Json::Bool(false)),
            Some(b'"') => {
                self.i += 1;
                self.string().map(Json::String)
            }
            Some(b'-' | b'0'..=b'9') => self.number().map(Json::Number),
            Some(b'[') => self.nested(Parser::array),
            Some(b'{') => self.nested(Parser::object),
            Some(_) => Err(self.peek_err("expected value")),
        }
    }

    fn ident(&mut self, word: &[u8], value: Json) -> Parsed<Json> {
        self.i += 1;
        for &expected in word.iter().skip(1) {
            match self.next() {
                None => return Err(self.err("EOF while parsing a value")),
                Some(c) if c != expected => return Err(self.err("expected ident")),
                Some(_) => {}
            }
        }
        Ok(value)
    }

    fn nested(&mut self, read: fn(&mut Self) -> Parsed<Json>) -> Parsed<Json> {
        self.depth -= 1;
        if self.depth == 0 {
            return Err(self.peek_err("recursion limit exceeded"));
        }
        self.i += 1;
        let value = read(self);
        self.depth += 1;
        value
    }

    fn array(&mut self) -> Parsed<Json> {
        let mut items = Vec::new();
        match self.ws() {
            Some(b']') => {
                self.i += 1;
                return Ok(Json::Array(items));
            }
            None => return Err(self.peek_err("EOF while parsing a list")),
            Some(_) => {}
        }
        loop {
            items.push(self.value()?);
            match self.ws() {
                Some(b']') => {
                    self.i += 1;
                    return Ok(Json::Array(items));
                }
                Some(b',') => {
                    self.i += 1;
                    if self.ws() == Some(b']') {
                        return Err(self.peek_err("trailing comma"));
                    }
                }
                Some(_) => return Err(self.peek_err("expected `,` or `]`")),
                None => return Err(self.peek_err("EOF while parsing a list")),
            }
        }
    }

    fn object(&mut self) -> Parsed<Json> {
        let mut members = Object::new();
        match self.ws() {
            Some(b'}') => {
                self.i += 1;
                return Ok(Json::Object(members));
            }
            None => return Err(self.peek_err("EOF while parsing an object")),
            Some(_) => {}
        }
        loop {
            match self.ws() {
                Some(b'"') => self.i += 1,
                Some(b'}') => return Err(self.peek_err("trailing comma")),
                Some(_) => return Err(self.peek_err("key must be a string")),
                None => return Err(self.peek_err("EOF while parsing a value")),
            }
            let key = self.string()?;
            match self.ws() {
                Some(b':') => self.i += 1,
                Some(_) => return Err(self.peek_err("expected `:`")),
                None => return Err(self.peek_err("EOF while parsing an object")),
            }
            self.ws();
            let value = self.value()?;
            members.insert(key, value);
            match self.ws() {
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Json::Object(members));
                }
                Some(b',') => self.i += 1,
                Some(_) => return Err(self.peek_err("expected `,` or `}`")),
                None => return Err(self.peek_err("EOF while parsing an object")),
            }
        }
    }

    /// The rest of a string, after its opening quote.
    fn string(&mut self) -> Parsed<String> {
        let mut out = String::new();
        // Runs without escapes are copied from the text (they start and end at ASCII
        // characters, so `get` always succeeds).
        let mut start = self.i;
        loop {
            match self.next() {
                None => return Err(self.err("EOF while parsing a string")),
                Some(b'"') => {
                    out.push_str(self.text.get(start..self.i - 1).unwrap_or_default());
                    return Ok(out);
                }
                Some(b'\\') => {
                    out.push_str(self.text.get(start..self.i - 1).unwrap_or_default());
                    let c = match self.next() {
                        None => return Err(self.err("EOF while parsing a string")),
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => self.unicode_escape()?,
                        Some(_) => return Err(self.err("invalid escape")),
                    };
                    out.push(c);
                    start = self.i;
                }
                Some(c) if c < 0x20 => return Err(self.err("control character (\\u0000-\\u001F) found while parsing a string")),
                Some(_) => {}
            }
        }
    }

    fn hex4(&mut self) -> Parsed<u32> {
        if self.b.len() - self.i < 4 {
            self.i = self.b.len();
            return Err(self.err("EOF while parsing a string"));
        }
        let mut n = 0;
        let mut valid = true;
        for _ in 0..4 {
            let d = match self.next() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => {
                    valid = false;
                    0
                }
            };
            n = n * 16 + u32::from(d);
        }
        if valid {
            Ok(n)
        } else {
            Err(self.err("invalid escape"))
        }
    }

    fn unicode_escape(&mut self) -> Parsed<char> {
        let first = self.hex4()?;
        let code = match first {
            0xDC00..=0xDFFF => return Err(self.err("lone leading surrogate in hex escape")),
            0xD800..=0xDBFF => {
                if self.next() != Some(b'\\') || self.next() != Some(b'u') {
                    return Err(self.err("unexpected end of hex escape"));
                }
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.err("lone leading surrogate in hex escape"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            n => n,
        };
        char::from_u32(code).ok_or_else(|| self.err("invalid unicode code point"))
    }

    fn digits(&mut self, mut n: f64) -> (f64, usize) {
        let mut count = 0;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            n = n * 10.0 + f64::from(c - b'0');
            self.i += 1;
            count += 1;
        }
        (n, count)
    }

    fn number(&mut self) -> Parsed<f64> {
        let negative = self.peek() == Some(b'-');
        if negative {
            self.i += 1;
        }
        let mut n = match self.next() {
            Some(b'0') => {
                if matches!(self.peek(), Some(b'0'..=b'9')) {
                    return Err(self.peek_err("invalid number"));
                }
                0.0
            }
            Some(c @ b'1'..=b'9') => self.digits(f64::from(c - b'0')).0,
            None => return Err(self.err("EOF while parsing a value")),
            Some(_) => return Err(self.err("invalid number")),
        };
        if self.peek() == Some(b'.') {
            self.i += 1;
            let (all, count) = self.digits(n);
            if count == 0 {
                return Err(match self.peek() {
                    Some(_) => self.peek_err("invalid number"),
                    None => self.err("EOF while parsing a value"),
                });
            }
            n = all / pow10(count as i32);
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            let sign = match self.peek() {
                Some(b'-') => {
                    self.i += 1;
                    -1
                }
                Some(b'+') => {
                    self.i += 1;
                    1
                }
                _ => 1,
            };
            let (exp, count) = self.digits(0.0);
            if count == 0 {
                return Err(match self.peek() {
                    Some(_) => self.peek_err("invalid number"),
                    None => self.err("EOF while parsing a value"),
                });
            }
            n *= pow10(sign * exp.min(400.0) as i32);
        }
        Ok(if negative { -n } else { n })
    }
}

fn pow10(e: i32) -> f64 {
    let mut p = 1.0;
    for _ in 0..e.unsigned_abs() {
        p *= 10.0;
    }
    if e < 0 {
        1.0 / p
    } else {
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        match parse(text) {
            Ok(v) => panic!("accepted: {v:?}"),
            Err(e) => e.message(),
        }
    }

    #[test]
    fn values_round_trip() {
        let text = r#"{"a":[1,-2,true,false,null],"b":"x\"\\\n\u0001é😀","c":{}}"#;
        let v = parse(text).unwrap();
        assert_eq!(v.encode(), text.replace("é😀", "é😀"));
        assert_eq!(parse(r#""\u00e9\ud83d\ude00""#).unwrap(), Json::str("é😀"));
        assert_eq!(parse(" 1.5e2 ").unwrap(), Json::Number(150.0));
        assert_eq!(parse("1700000000000").unwrap().encode(), "1700000000000");
    }

    #[test]
    fn objects_are_sorted_and_keep_the_last_of_a_repeated_key() {
        let v = parse(r#"{"b":1,"a":2,"b":3}"#).unwrap();
        assert_eq!(v.encode(), r#"{"a":2,"b":3}"#);
        assert_eq!(v.get("b"), Some(&Json::Number(3.0)));
    }

    #[test]
    fn syntax_errors_read_like_serde_json() {
        // Each message and position compared with serde_json 1.0's own.
        for text in [
            "", "  ", "{", "[", "[1", "[1,", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{\"a\":1 \"b\":2}", "[1 2]", "{1:2}",
            "nul", "nulx", "tru", "\"abc", "\"a\\x\"", "\"a\nb\"", "01", "-", "1.", "1.x", "1e", "1e+x", "{} x",
            "[}", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\\u12\"", "\"\\u12G4\"", "{\"a\":1,,}",
            "{\n  \"languages\": [\"nl\", \"en\",],\n}", "[-x]", "{\"a\"", "{\"a\":", "[[[]]",
        ] {
            let ours = err(text);
            let theirs = serde_json::from_str::<serde_json::Value>(text).unwrap_err().to_string();
            assert_eq!(ours, theirs, "for {text:?}");
        }
        let deep = "[".repeat(200);
        assert_eq!(err(&deep), serde_json::from_str::<serde_json::Value>(&deep).unwrap_err().to_string());
    }

    #[test]
    fn strings_are_escaped_like_serde_json() {
        let s = "a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{7f}é";
        assert_eq!(Json::str(s).encode(), serde_json::Value::String(s.to_string()).to_string());
    }
}
