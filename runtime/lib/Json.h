//===- Json.h - A strict JSON reader for kernel metadata --------*- C++ -*-===//
//
// The runtime reads msa-codegen's JSON metadata with this parser rather than
// with a third-party library: the runtime builds with nothing but the CUDA
// headers. It accepts RFC 8259 JSON only (no comments, trailing commas, NaN,
// or duplicate keys), keeps the order of object members, and reports the
// line and column of the first error. Nesting is bounded, so malformed or
// hostile input yields an error, never a stack overflow.
//
//===----------------------------------------------------------------------===//

#ifndef MSA_RUNTIME_LIB_JSON_H
#define MSA_RUNTIME_LIB_JSON_H

#include "msa/Runtime/Runtime.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace msa::runtime::json {

/// A parsed JSON value. Numbers written without a fraction or exponent are
/// integers (they must fit in int64_t); other numbers are doubles.
class Value {
public:
  enum class Kind { Null, Bool, Int, Double, String, Array, Object };
  using Member = std::pair<std::string, Value>;

  Value() = default;

  Kind kind() const { return valueKind; }
  bool isNull() const { return valueKind == Kind::Null; }
  bool isBool() const { return valueKind == Kind::Bool; }
  bool isInt() const { return valueKind == Kind::Int; }
  bool isDouble() const { return valueKind == Kind::Double; }
  bool isNumber() const { return isInt() || isDouble(); }
  bool isString() const { return valueKind == Kind::String; }
  bool isArray() const { return valueKind == Kind::Array; }
  bool isObject() const { return valueKind == Kind::Object; }

  bool getBool() const { return boolValue; }
  int64_t getInt() const { return intValue; }
  /// The number as a double (integers are converted).
  double getDouble() const {
    return isInt() ? static_cast<double>(intValue) : doubleValue;
  }
  const std::string &getString() const { return stringValue; }
  const std::vector<Value> &elements() const { return arrayValue; }
  const std::vector<Member> &members() const { return objectValue; }

  /// The member `key` of an object, or null if absent (or not an object).
  const Value *find(const std::string &key) const;

  /// "null", "a boolean", "an integer", "a number", "a string", "an array"
  /// or "an object": for messages that say what was found instead.
  static const char *describe(Kind kind);

  static Value makeNull() { return Value(); }
  static Value makeBool(bool b);
  static Value makeInt(int64_t i);
  static Value makeDouble(double d);
  static Value makeString(std::string s);
  static Value makeArray(std::vector<Value> elements);
  static Value makeObject(std::vector<Member> members);

private:
  Kind valueKind = Kind::Null;
  bool boolValue = false;
  int64_t intValue = 0;
  double doubleValue = 0;
  std::string stringValue;
  std::vector<Value> arrayValue;
  std::vector<Member> objectValue;
};

/// Arrays and objects nest at most this deep.
constexpr int kMaxDepth = 64;

/// Parses `text` (one JSON value, optionally surrounded by whitespace) into
/// `result`. On failure the message reads "line L, column C: <what>"
/// (columns count bytes, from 1).
Status parse(const std::string &text, Value &result);

} // namespace msa::runtime::json

#endif // MSA_RUNTIME_LIB_JSON_H
