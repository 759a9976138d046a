//===- Json.cpp - A strict JSON reader for kernel metadata ----------------===//
//
// A recursive-descent parser over RFC 8259. Depth is bounded by kMaxDepth so
// that recursion stays shallow whatever the input.
//
//===----------------------------------------------------------------------===//

#include "Json.h"

#include <charconv>
#include <cmath>

namespace msa::runtime::json {

const Value *Value::find(const std::string &key) const {
  for (const Member &m : objectValue)
    if (m.first == key)
      return &m.second;
  return nullptr;
}

const char *Value::describe(Kind kind) {
  switch (kind) {
  case Kind::Null:
    return "null";
  case Kind::Bool:
    return "a boolean";
  case Kind::Int:
    return "an integer";
  case Kind::Double:
    return "a number";
  case Kind::String:
    return "a string";
  case Kind::Array:
    return "an array";
  case Kind::Object:
    return "an object";
  }
  return "?";
}

Value Value::makeBool(bool b) {
  Value v;
  v.valueKind = Kind::Bool;
  v.boolValue = b;
  return v;
}

Value Value::makeInt(int64_t i) {
  Value v;
  v.valueKind = Kind::Int;
  v.intValue = i;
  return v;
}

Value Value::makeDouble(double d) {
  Value v;
  v.valueKind = Kind::Double;
  v.doubleValue = d;
  return v;
}

Value Value::makeString(std::string s) {
  Value v;
  v.valueKind = Kind::String;
  v.stringValue = std::move(s);
  return v;
}

Value Value::makeArray(std::vector<Value> elements) {
  Value v;
  v.valueKind = Kind::Array;
  v.arrayValue = std::move(elements);
  return v;
}

Value Value::makeObject(std::vector<Member> members) {
  Value v;
  v.valueKind = Kind::Object;
  v.objectValue = std::move(members);
  return v;
}

namespace {

class Parser {
public:
  explicit Parser(const std::string &input) : text(input) {}

  Status parseDocument(Value &result) {
    skipWhitespace();
    if (Status s = parseValue(result, 0); !s)
      return s;
    skipWhitespace();
    if (pos != text.size())
      return error("unexpected '" + printable(text[pos]) +
                   "' after the JSON value");
    return Status::success();
  }

private:
  const std::string &text;
  size_t pos = 0;

  /// An error at `at` (default: the current position).
  Status error(const std::string &what, size_t at = std::string::npos) const {
    if (at == std::string::npos)
      at = pos;
    size_t line = 1, column = 1;
    for (size_t i = 0; i < at && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return Status::error("line " + std::to_string(line) + ", column " +
                         std::to_string(column) + ": " + what);
  }

  /// A byte for a message: control and non-ASCII bytes as \xNN.
  static std::string printable(char c) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f)
      return std::string(1, c);
    const char *hex = "0123456789abcdef";
    return std::string("\\x") + hex[u >> 4] + hex[u & 15];
  }

  bool atEnd() const { return pos >= text.size(); }

  void skipWhitespace() {
    while (!atEnd() && (text[pos] == ' ' || text[pos] == '\t' ||
                        text[pos] == '\n' || text[pos] == '\r'))
      ++pos;
  }

  Status unexpected(const char *expected) const {
    if (atEnd())
      return error(std::string("unexpected end of input; expected ") +
                   expected);
    return error("unexpected '" + printable(text[pos]) + "'; expected " +
                 expected);
  }

  Status parseValue(Value &result, int depth) {
    if (atEnd())
      return unexpected("a value");
    char c = text[pos];
    if (c == '{' || c == '[') {
      if (depth >= kMaxDepth)
        return error("nesting deeper than " + std::to_string(kMaxDepth) +
                     " levels");
      return c == '{' ? parseObject(result, depth + 1)
                      : parseArray(result, depth + 1);
    }
    if (c == '"') {
      std::string s;
      if (Status st = parseString(s); !st)
        return st;
      result = Value::makeString(std::move(s));
      return Status::success();
    }
    if (c == '-' || (c >= '0' && c <= '9'))
      return parseNumber(result);
    for (auto [word, value] :
         {std::pair<const char *, Value>{"true", Value::makeBool(true)},
          {"false", Value::makeBool(false)},
          {"null", Value::makeNull()}}) {
      size_t n = std::char_traits<char>::length(word);
      if (text.compare(pos, n, word) == 0) {
        pos += n;
        result = value;
        return Status::success();
      }
    }
    return unexpected("a value");
  }

  Status parseObject(Value &result, int depth) {
    ++pos; // '{'
    std::vector<Value::Member> members;
    skipWhitespace();
    if (!atEnd() && text[pos] == '}') {
      ++pos;
      result = Value::makeObject(std::move(members));
      return Status::success();
    }
    while (true) {
      skipWhitespace();
      if (atEnd() || text[pos] != '"')
        return unexpected("a string (an object key)");
      size_t keyAt = pos;
      std::string key;
      if (Status s = parseString(key); !s)
        return s;
      for (const Value::Member &m : members)
        if (m.first == key)
          return error("duplicate key \"" + key + "\"", keyAt);
      skipWhitespace();
      if (atEnd() || text[pos] != ':')
        return unexpected("':'");
      ++pos;
      skipWhitespace();
      Value value;
      if (Status s = parseValue(value, depth); !s)
        return s;
      members.emplace_back(std::move(key), std::move(value));
      skipWhitespace();
      if (!atEnd() && text[pos] == ',') {
        ++pos;
        continue;
      }
      if (!atEnd() && text[pos] == '}') {
        ++pos;
        result = Value::makeObject(std::move(members));
        return Status::success();
      }
      return unexpected("',' or '}'");
    }
  }

  Status parseArray(Value &result, int depth) {
    ++pos; // '['
    std::vector<Value> elements;
    skipWhitespace();
    if (!atEnd() && text[pos] == ']') {
      ++pos;
      result = Value::makeArray(std::move(elements));
      return Status::success();
    }
    while (true) {
      skipWhitespace();
      Value value;
      if (Status s = parseValue(value, depth); !s)
        return s;
      elements.push_back(std::move(value));
      skipWhitespace();
      if (!atEnd() && text[pos] == ',') {
        ++pos;
        continue;
      }
      if (!atEnd() && text[pos] == ']') {
        ++pos;
        result = Value::makeArray(std::move(elements));
        return Status::success();
      }
      return unexpected("',' or ']'");
    }
  }

  static void appendUtf8(std::string &out, uint32_t cp) {
    if (cp < 0x80) {
      out += char(cp);
    } else if (cp < 0x800) {
      out += char(0xc0 | (cp >> 6));
      out += char(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += char(0xe0 | (cp >> 12));
      out += char(0x80 | ((cp >> 6) & 0x3f));
      out += char(0x80 | (cp & 0x3f));
    } else {
      out += char(0xf0 | (cp >> 18));
      out += char(0x80 | ((cp >> 12) & 0x3f));
      out += char(0x80 | ((cp >> 6) & 0x3f));
      out += char(0x80 | (cp & 0x3f));
    }
  }

  /// Four hex digits after "\u" at `pos`.
  Status parseHex4(uint32_t &cp) {
    cp = 0;
    for (int i = 0; i < 4; ++i, ++pos) {
      if (atEnd())
        return error("unexpected end of input in a \\u escape");
      char c = text[pos];
      uint32_t digit;
      if (c >= '0' && c <= '9')
        digit = c - '0';
      else if (c >= 'a' && c <= 'f')
        digit = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        digit = c - 'A' + 10;
      else
        return error("invalid hex digit '" + printable(c) +
                     "' in a \\u escape");
      cp = cp * 16 + digit;
    }
    return Status::success();
  }

  /// The length of the well-formed UTF-8 sequence at `pos` (whose first
  /// byte is >= 0x80), or 0 if it is malformed (overlong, surrogate, beyond
  /// U+10FFFF or truncated).
  size_t utf8Length() const {
    auto byte = [&](size_t i) -> unsigned {
      return pos + i < text.size() ? static_cast<unsigned char>(text[pos + i])
                                   : 0;
    };
    unsigned b0 = byte(0);
    auto cont = [&](size_t i, unsigned lo = 0x80, unsigned hi = 0xbf) {
      return byte(i) >= lo && byte(i) <= hi;
    };
    if (b0 >= 0xc2 && b0 <= 0xdf)
      return cont(1) ? 2 : 0;
    if (b0 == 0xe0)
      return cont(1, 0xa0) && cont(2) ? 3 : 0;
    if ((b0 >= 0xe1 && b0 <= 0xec) || b0 == 0xee || b0 == 0xef)
      return cont(1) && cont(2) ? 3 : 0;
    if (b0 == 0xed)
      return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
    if (b0 == 0xf0)
      return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
    if (b0 >= 0xf1 && b0 <= 0xf3)
      return cont(1) && cont(2) && cont(3) ? 4 : 0;
    if (b0 == 0xf4)
      return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
    return 0;
  }

  Status parseString(std::string &out) {
    ++pos; // '"'
    while (true) {
      if (atEnd())
        return error("unexpected end of input in a string");
      char c = text[pos];
      auto u = static_cast<unsigned char>(c);
      if (c == '"') {
        ++pos;
        return Status::success();
      }
      if (u < 0x20)
        return error("control character " + printable(c) +
                     " in a string (it must be escaped)");
      if (u >= 0x80) {
        size_t n = utf8Length();
        if (n == 0)
          return error("invalid UTF-8 byte " + printable(c) + " in a string");
        out.append(text, pos, n);
        pos += n;
        continue;
      }
      if (c != '\\') {
        out += c;
        ++pos;
        continue;
      }
      size_t escapeAt = pos++;
      if (atEnd())
        return error("unexpected end of input in an escape");
      char e = text[pos++];
      switch (e) {
      case '"':
      case '\\':
      case '/':
        out += e;
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        uint32_t cp;
        if (Status s = parseHex4(cp); !s)
          return s;
        if (cp >= 0xdc00 && cp <= 0xdfff)
          return error("unpaired low surrogate in a \\u escape", escapeAt);
        if (cp >= 0xd800 && cp <= 0xdbff) {
          // A high surrogate must be followed by an escaped low one.
          if (text.compare(pos, 2, "\\u") != 0)
            return error("unpaired high surrogate in a \\u escape", escapeAt);
          pos += 2;
          uint32_t low;
          if (Status s = parseHex4(low); !s)
            return s;
          if (low < 0xdc00 || low > 0xdfff)
            return error("unpaired high surrogate in a \\u escape", escapeAt);
          cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        }
        appendUtf8(out, cp);
        break;
      }
      default:
        return error("invalid escape '\\" + printable(e) + "' in a string",
                     escapeAt);
      }
    }
  }

  Status parseNumber(Value &result) {
    size_t start = pos;
    if (text[pos] == '-')
      ++pos;
    auto digits = [&] {
      size_t from = pos;
      while (!atEnd() && text[pos] >= '0' && text[pos] <= '9')
        ++pos;
      return pos - from;
    };
    if (atEnd() || text[pos] < '0' || text[pos] > '9')
      return unexpected("a digit");
    if (text[pos] == '0') {
      ++pos;
      if (!atEnd() && text[pos] >= '0' && text[pos] <= '9')
        return error("leading zero in a number", start);
    } else {
      digits();
    }
    bool integral = true;
    if (!atEnd() && text[pos] == '.') {
      ++pos;
      integral = false;
      if (digits() == 0)
        return unexpected("a digit after '.'");
    }
    if (!atEnd() && (text[pos] == 'e' || text[pos] == 'E')) {
      ++pos;
      integral = false;
      if (!atEnd() && (text[pos] == '+' || text[pos] == '-'))
        ++pos;
      if (digits() == 0)
        return unexpected("a digit in the exponent");
    }
    const char *first = text.data() + start, *last = text.data() + pos;
    if (integral) {
      int64_t i = 0;
      auto [end, ec] = std::from_chars(first, last, i);
      if (ec != std::errc() || end != last)
        return error("integer " + text.substr(start, pos - start) +
                         " does not fit in 64 bits",
                     start);
      result = Value::makeInt(i);
      return Status::success();
    }
    // from_chars, unlike strtod, ignores the C locale's decimal point.
    double d = 0;
    auto [end, ec] = std::from_chars(first, last, d);
    if (ec != std::errc() || end != last || !std::isfinite(d))
      return error("number " + text.substr(start, pos - start) +
                       " is out of range",
                   start);
    result = Value::makeDouble(d);
    return Status::success();
  }
};

} // namespace

Status parse(const std::string &text, Value &result) {
  Value value;
  if (Status s = Parser(text).parseDocument(value); !s)
    return s;
  result = std::move(value);
  return Status::success();
}

} // namespace msa::runtime::json
