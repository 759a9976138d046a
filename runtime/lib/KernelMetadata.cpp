//===- KernelMetadata.cpp - Launch facts from msa-codegen's JSON ----------===//
//
// The grid-expression parser and evaluator, the metadata checks, and the
// name-keyed argument table.
//
//===----------------------------------------------------------------------===//

#include "KernelMetadata.h"

#include "Json.h"

#include <algorithm>
#include <cctype>

namespace msa::runtime {

//===----------------------------------------------------------------------===//
// SizeExpr
//===----------------------------------------------------------------------===//

namespace {
// Grid expressions are a few tokens long; the bounds keep the recursive
// parser and evaluator shallow whatever the metadata says.
constexpr size_t kMaxExprLength = 256;
constexpr int kMaxExprNesting = 16;
} // namespace

class SizeExpr::Parser {
public:
  Parser(const std::string &input, const std::vector<std::string> &known,
         SizeExpr &output)
      : text(input), names(known), expr(output) {}

  Status parse(int &root) {
    if (text.size() > kMaxExprLength)
      return Status::error("expression \"" + text.substr(0, 32) +
                           "...\" is longer than " +
                           std::to_string(kMaxExprLength) + " characters");
    if (Status s = parseSum(root, 0); !s)
      return s;
    skipSpaces();
    if (pos != text.size())
      return error("unexpected '" + std::string(1, text[pos]) + "'");
    return Status::success();
  }

private:
  const std::string &text;
  const std::vector<std::string> &names;
  SizeExpr &expr;
  size_t pos = 0;

  Status error(const std::string &what) const {
    return Status::error("cannot parse \"" + text + "\" at column " +
                         std::to_string(pos + 1) + ": " + what);
  }

  void skipSpaces() {
    while (pos < text.size() && text[pos] == ' ')
      ++pos;
  }

  bool consume(char c) {
    skipSpaces();
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }

  int add(Op op, int lhs, int rhs) {
    Node n;
    n.op = op;
    n.lhs = lhs;
    n.rhs = rhs;
    expr.nodes.push_back(std::move(n));
    return int(expr.nodes.size()) - 1;
  }

  Status parseSum(int &node, int depth) {
    if (Status s = parseProduct(node, depth); !s)
      return s;
    while (true) {
      Op op;
      if (consume('+'))
        op = Op::Add;
      else if (consume('-'))
        op = Op::Sub;
      else
        return Status::success();
      int rhs;
      if (Status s = parseProduct(rhs, depth); !s)
        return s;
      node = add(op, node, rhs);
    }
  }

  Status parseProduct(int &node, int depth) {
    if (Status s = parseFactor(node, depth); !s)
      return s;
    while (true) {
      Op op;
      if (consume('*'))
        op = Op::Mul;
      else if (consume('/'))
        op = Op::Div;
      else
        return Status::success();
      int rhs;
      if (Status s = parseFactor(rhs, depth); !s)
        return s;
      node = add(op, node, rhs);
    }
  }

  Status parseFactor(int &node, int depth) {
    skipSpaces();
    if (pos == text.size())
      return error("unexpected end; expected a number, a size or '('");
    char c = text[pos];
    if (c == '(') {
      if (depth >= kMaxExprNesting)
        return error("nested deeper than " + std::to_string(kMaxExprNesting) +
                     " levels");
      ++pos;
      if (Status s = parseSum(node, depth + 1); !s)
        return s;
      if (!consume(')'))
        return error("expected ')'");
      return Status::success();
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      int64_t value = 0;
      while (pos < text.size() &&
             std::isdigit(static_cast<unsigned char>(text[pos]))) {
        if (__builtin_mul_overflow(value, int64_t(10), &value) ||
            __builtin_add_overflow(value, int64_t(text[pos] - '0'), &value))
          return error("integer overflows 64 bits");
        ++pos;
      }
      Node n;
      n.op = Op::Constant;
      n.value = value;
      expr.nodes.push_back(std::move(n));
      node = int(expr.nodes.size()) - 1;
      return Status::success();
    }
    if (!std::isalpha(static_cast<unsigned char>(c)) && c != '_')
      return error("unexpected '" + std::string(1, c) +
                   "'; expected a number, a size or '('");
    size_t start = pos;
    while (pos < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[pos])) ||
            text[pos] == '_'))
      ++pos;
    std::string word = text.substr(start, pos - start);
    skipSpaces();
    if (pos < text.size() && text[pos] == '(')
      return parseCall(word, start, node, depth);
    if (std::find(names.begin(), names.end(), word) == names.end()) {
      std::string known;
      for (const std::string &n : names)
        known += (known.empty() ? "" : ", ") + n;
      pos = start;
      return error("unknown size '" + word + "' (known: " + known + ")");
    }
    Node n;
    n.op = Op::Name;
    n.name = word;
    expr.nodes.push_back(std::move(n));
    node = int(expr.nodes.size()) - 1;
    return Status::success();
  }

  Status parseCall(const std::string &function, size_t start, int &node,
                   int depth) {
    if (function != "ceil" && function != "max" && function != "min") {
      pos = start;
      return error("unknown function '" + function +
                   "' (known: ceil, max, min)");
    }
    if (depth >= kMaxExprNesting)
      return error("nested deeper than " + std::to_string(kMaxExprNesting) +
                   " levels");
    ++pos; // '('
    int lhs;
    if (Status s = parseSum(lhs, depth + 1); !s)
      return s;
    if (function == "ceil") {
      // ceil(a/b) is the division rounding up: the argument must be that
      // division, since integer arithmetic inside would already have
      // rounded down.
      if (expr.nodes[lhs].op != Op::Div) {
        pos = start;
        return error("ceil() takes a division a/b");
      }
      expr.nodes[lhs].op = Op::CeilDiv;
      node = lhs;
    } else {
      if (!consume(','))
        return error("expected ',' (" + function + " takes two arguments)");
      int rhs;
      if (Status s = parseSum(rhs, depth + 1); !s)
        return s;
      node = add(function == "max" ? Op::Max : Op::Min, lhs, rhs);
    }
    if (!consume(')'))
      return error("expected ')'");
    return Status::success();
  }
};

Status SizeExpr::parse(const std::string &text,
                       const std::vector<std::string> &names,
                       SizeExpr &result) {
  SizeExpr expr;
  expr.source = text;
  if (Status s = Parser(text, names, expr).parse(expr.root); !s)
    return s;
  result = std::move(expr);
  return Status::success();
}

std::vector<std::string> SizeExpr::identifiers() const {
  // Nodes are created in source order, so the first Name node of each
  // identifier is its first use.
  std::vector<std::string> result;
  for (const Node &n : nodes)
    if (n.op == Op::Name &&
        std::find(result.begin(), result.end(), n.name) == result.end())
      result.push_back(n.name);
  return result;
}

Status SizeExpr::evaluate(const SizeTable &sizes, int64_t &value) const {
  if (root < 0)
    return Status::error("empty expression");
  return evaluateNode(root, sizes, value);
}

Status SizeExpr::evaluateNode(int index, const SizeTable &sizes,
                              int64_t &value) const {
  const Node &n = nodes[index];
  auto fail = [&](const std::string &what) {
    return Status::error("\"" + source + "\": " + what);
  };
  if (n.op == Op::Constant) {
    value = n.value;
    return Status::success();
  }
  if (n.op == Op::Name) {
    auto it = sizes.find(n.name);
    if (it == sizes.end())
      return fail("size '" + n.name + "' has no value");
    value = it->second;
    return Status::success();
  }
  int64_t a, b;
  if (Status s = evaluateNode(n.lhs, sizes, a); !s)
    return s;
  if (Status s = evaluateNode(n.rhs, sizes, b); !s)
    return s;
  auto overflow = [&](const char *op) {
    return fail(std::to_string(a) + " " + op + " " + std::to_string(b) +
                " overflows 64 bits");
  };
  switch (n.op) {
  case Op::Add:
    if (__builtin_add_overflow(a, b, &value))
      return overflow("+");
    return Status::success();
  case Op::Sub:
    if (__builtin_sub_overflow(a, b, &value))
      return overflow("-");
    return Status::success();
  case Op::Mul:
    if (__builtin_mul_overflow(a, b, &value))
      return overflow("*");
    return Status::success();
  case Op::Div:
  case Op::CeilDiv:
    if (b <= 0)
      return fail(b == 0 ? "division by zero"
                         : "division by a negative value " + std::to_string(b));
    if (a < 0)
      return fail("division of a negative value " + std::to_string(a));
    // a / b + (a % b != 0) rounds up without forming a + b - 1.
    value = a / b + (n.op == Op::CeilDiv && a % b != 0);
    return Status::success();
  case Op::Max:
    value = std::max(a, b);
    return Status::success();
  case Op::Min:
    value = std::min(a, b);
    return Status::success();
  case Op::Constant:
  case Op::Name:
    break;
  }
  return fail("unknown operation");
}

//===----------------------------------------------------------------------===//
// Metadata
//===----------------------------------------------------------------------===//

const char *paramTypeName(ParamType type) {
  switch (type) {
  case ParamType::Ptr:
    return "ptr";
  case ParamType::I64:
    return "i64";
  case ParamType::F32:
    return "f32";
  }
  return "?";
}

const KernelInfo *VariantMetadata::kernel(const std::string &entry) const {
  for (const KernelInfo &k : kernels)
    if (k.entry == entry)
      return &k;
  return nullptr;
}

const ScratchInfo *
VariantMetadata::scratchBuffer(const std::string &name) const {
  for (const ScratchInfo &s : scratch)
    if (s.name == name)
      return &s;
  return nullptr;
}

namespace {

using json::Value;

/// Reads the members of one JSON object, with errors prefixed by `where`.
class ObjectReader {
public:
  ObjectReader(const Value &value, std::string context)
      : object(value), where(std::move(context)) {}

  Status error(const std::string &what) const {
    return Status::error(where + ": " + what);
  }

  /// The member `key`, which must exist and be of kind `kind`.
  Status get(const char *key, Value::Kind kind, const Value *&value) const {
    value = object.find(key);
    if (!value)
      return error(std::string("missing key \"") + key + "\"");
    if (value->kind() != kind)
      return error(std::string("\"") + key + "\" must be " +
                   Value::describe(kind) + ", got " +
                   Value::describe(value->kind()));
    return Status::success();
  }

  /// The member `key`: an array of exactly `n` elements of kind `kind`.
  Status getArray(const char *key, size_t n, Value::Kind kind,
                  const Value *&value) const {
    if (Status s = get(key, Value::Kind::Array, value); !s)
      return s;
    const std::vector<Value> &elements = value->elements();
    bool ok = elements.size() == n;
    for (const Value &e : elements)
      ok &= e.kind() == kind;
    if (!ok)
      return error(std::string("\"") + key + "\" must be an array of " +
                   std::to_string(n) + " " +
                   (kind == Value::Kind::Int ? "integers" : "strings"));
    return Status::success();
  }

private:
  const Value &object;
  std::string where;
};

Status parseKernel(const Value &object, const std::string &variantWhere,
                   size_t index, const std::vector<std::string> &sizeNames,
                   KernelInfo &kernel) {
  using Kind = Value::Kind;
  std::string where = variantWhere + ", kernels[" + std::to_string(index) + "]";
  if (!object.isObject())
    return Status::error(where + ": must be an object, got " +
                         Value::describe(object.kind()));
  const Value *value;
  if (Status s = ObjectReader(object, where).get("entry", Kind::String, value);
      !s)
    return s;
  kernel.entry = value->getString();
  if (kernel.entry.empty())
    return Status::error(where + ": \"entry\" is empty");
  ObjectReader reader(object, variantWhere + ", kernel '" + kernel.entry + "'");

  if (Status s = reader.getArray("block", 3, Kind::Int, value); !s)
    return s;
  int64_t threads = 1;
  const int64_t limits[3] = {1024, 1024, 64};
  for (int d = 0; d < 3; ++d) {
    kernel.block[d] = value->elements()[d].getInt();
    if (kernel.block[d] < 1 || kernel.block[d] > limits[d])
      return reader.error("block " + std::string(1, "xyz"[d]) + " = " +
                          std::to_string(kernel.block[d]) + " is outside [1, " +
                          std::to_string(limits[d]) + "]");
    threads *= kernel.block[d];
  }
  if (threads > 1024)
    return reader.error("block of " + std::to_string(threads) +
                        " threads exceeds CUDA's 1024");

  if (Status s = reader.get("dynamic_shared_bytes", Kind::Int, value); !s)
    return s;
  kernel.dynamicSharedBytes = value->getInt();
  // cuFuncSetAttribute takes the size as an int.
  if (kernel.dynamicSharedBytes < 0 || kernel.dynamicSharedBytes > INT32_MAX)
    return reader.error("\"dynamic_shared_bytes\" = " +
                        std::to_string(kernel.dynamicSharedBytes) +
                        " is outside [0, 2^31-1]");

  if (Status s = reader.getArray("grid", 3, Kind::String, value); !s)
    return s;
  for (int d = 0; d < 3; ++d)
    if (Status s = SizeExpr::parse(value->elements()[d].getString(), sizeNames,
                                   kernel.grid[d]);
        !s)
      return reader.error("grid " + std::string(1, "xyz"[d]) + ": " +
                          s.message());

  if (Status s = reader.get("params", Kind::Array, value); !s)
    return s;
  const std::vector<Value> &params = value->elements();
  for (size_t i = 0; i < params.size(); ++i) {
    std::string at = "params[" + std::to_string(i) + "]";
    if (!params[i].isObject())
      return reader.error(at + " must be an object, got " +
                          Value::describe(params[i].kind()));
    ObjectReader param(params[i], reader.error(at).message());
    const Value *name, *type;
    if (Status s = param.get("name", Kind::String, name); !s)
      return s;
    if (Status s = param.get("type", Kind::String, type); !s)
      return s;
    KernelParam p;
    p.name = name->getString();
    const std::string &t = type->getString();
    if (t == "ptr")
      p.type = ParamType::Ptr;
    else if (t == "i64")
      p.type = ParamType::I64;
    else if (t == "f32")
      p.type = ParamType::F32;
    else
      return reader.error(at + " ('" + p.name + "') has unknown type \"" + t +
                          "\" (known: ptr, i64, f32)");
    for (const KernelParam &q : kernel.params)
      if (q.name == p.name)
        return reader.error(at + ": parameter '" + p.name +
                            "' is listed twice");
    kernel.params.push_back(std::move(p));
  }
  return Status::success();
}

} // namespace

Status parseVariantMetadata(const std::string &variant, const std::string &text,
                            const std::vector<std::string> &sizeNames,
                            VariantMetadata &result) {
  using Kind = Value::Kind;
  std::string where = "metadata of kernel variant '" + variant + "'";
  Value root;
  if (Status s = json::parse(text, root); !s)
    return Status::error(where + " is not valid JSON: " + s.message());
  if (!root.isObject())
    return Status::error(where + ": must be an object, got " +
                         Value::describe(root.kind()));
  ObjectReader reader(root, where);
  const Value *value;
  if (Status s = reader.get("name", Kind::String, value); !s)
    return s;
  if (value->getString() != variant)
    return reader.error("\"name\" is '" + value->getString() +
                        "', not the variant's name");
  VariantMetadata metadata;
  metadata.name = variant;
  if (root.find("op")) {
    if (Status s = reader.get("op", Kind::String, value); !s)
      return s;
    metadata.op = value->getString();
  }
  if (root.find("scratch")) {
    if (Status s = reader.get("scratch", Kind::Array, value); !s)
      return s;
    const std::vector<Value> &buffers = value->elements();
    for (size_t i = 0; i < buffers.size(); ++i) {
      std::string at = "scratch[" + std::to_string(i) + "]";
      if (!buffers[i].isObject())
        return reader.error(at + " must be an object, got " +
                            Value::describe(buffers[i].kind()));
      ObjectReader buffer(buffers[i], reader.error(at).message());
      const Value *name, *elements;
      if (Status s = buffer.get("name", Kind::String, name); !s)
        return s;
      if (Status s = buffer.get("elements", Kind::String, elements); !s)
        return s;
      ScratchInfo info;
      info.name = name->getString();
      if (metadata.scratchBuffer(info.name))
        return reader.error(at + ": scratch buffer '" + info.name +
                            "' is listed twice");
      if (Status s =
              SizeExpr::parse(elements->getString(), sizeNames, info.elements);
          !s)
        return reader.error(at + " ('" + info.name +
                            "') elements: " + s.message());
      metadata.scratch.push_back(std::move(info));
    }
  }
  if (Status s = reader.get("kernels", Kind::Array, value); !s)
    return s;
  const std::vector<Value> &kernels = value->elements();
  for (size_t i = 0; i < kernels.size(); ++i) {
    KernelInfo kernel;
    if (Status s = parseKernel(kernels[i], where, i, sizeNames, kernel); !s)
      return s;
    if (metadata.kernel(kernel.entry))
      return reader.error("kernel '" + kernel.entry + "' is listed twice");
    metadata.kernels.push_back(std::move(kernel));
  }
  result = std::move(metadata);
  return Status::success();
}

//===----------------------------------------------------------------------===//
// KernelArguments
//===----------------------------------------------------------------------===//

void KernelArguments::setPointer(const std::string &name, uint64_t address) {
  Slot slot;
  slot.type = ParamType::Ptr;
  slot.pointer = address;
  slots.insert_or_assign(name, slot);
}

void KernelArguments::setInt(const std::string &name, int64_t value) {
  Slot slot;
  slot.type = ParamType::I64;
  slot.integer = value;
  slots.insert_or_assign(name, slot);
}

void KernelArguments::setFloat(const std::string &name, float value) {
  Slot slot;
  slot.type = ParamType::F32;
  slot.real = value;
  slots.insert_or_assign(name, slot);
}

void KernelArguments::setSizes(const SizeTable &sizes) {
  for (const auto &[name, value] : sizes)
    setInt(name, value);
}

void KernelArguments::setStrides(const std::string &prefix,
                                 const std::string &dims,
                                 const int64_t *strides) {
  for (size_t k = 0; k < dims.size(); ++k)
    setInt(prefix + "_stride_" + dims[k], strides[k]);
}

Status KernelArguments::check(const KernelInfo &kernel) const {
  for (const KernelParam &p : kernel.params) {
    auto it = slots.find(p.name);
    if (it == slots.end()) {
      std::string supplied;
      for (const auto &[name, slot] : slots)
        supplied += (supplied.empty() ? "" : ", ") + name;
      return Status::error("kernel '" + kernel.entry + "' takes parameter '" +
                           p.name + "' (" + paramTypeName(p.type) +
                           "), which this runtime does not supply (it "
                           "supplies: " +
                           supplied + ")");
    }
    if (it->second.type != p.type)
      return Status::error(
          "kernel '" + kernel.entry + "' declares parameter '" + p.name +
          "' as " + paramTypeName(p.type) + "; this runtime supplies it as " +
          paramTypeName(it->second.type));
  }
  return Status::success();
}

Status KernelArguments::pack(const KernelInfo &kernel,
                             std::vector<void *> &params) const {
  if (Status s = check(kernel); !s)
    return s;
  params.clear();
  for (const KernelParam &p : kernel.params) {
    // cuLaunchKernel copies each parameter's bytes from the address given.
    Slot &slot = const_cast<Slot &>(slots.at(p.name));
    switch (p.type) {
    case ParamType::Ptr:
      params.push_back(&slot.pointer);
      break;
    case ParamType::I64:
      params.push_back(&slot.integer);
      break;
    case ParamType::F32:
      params.push_back(&slot.real);
      break;
    }
  }
  return Status::success();
}

Status findKernels(const VariantMetadata &metadata,
                   const std::vector<KernelRequirement> &required,
                   const std::string &where, std::vector<size_t> &indices) {
  indices.clear();
  for (const KernelRequirement &r : required) {
    const KernelInfo *kernel = metadata.kernel(r.entry);
    if (!kernel) {
      std::string listed;
      for (const KernelInfo &k : metadata.kernels)
        listed += (listed.empty() ? "'" : ", '") + k.entry + "'";
      return Status::error(where + " does not describe kernel '" + r.entry +
                           "' (it lists " + (listed.empty() ? "none" : listed) +
                           ")");
    }
    if (Status s = r.arguments.check(*kernel); !s)
      return Status::error(where + ": " + s.message());
    indices.push_back(size_t(kernel - metadata.kernels.data()));
  }
  return Status::success();
}

//===----------------------------------------------------------------------===//
// Grid
//===----------------------------------------------------------------------===//

Status launchGrid(const KernelInfo &kernel, const SizeTable &sizes,
                  std::array<unsigned, 3> &grid) {
  for (int d = 0; d < 3; ++d) {
    const SizeExpr &expr = kernel.grid[d];
    std::string dim = std::string("grid ") + "xyz"[d];
    int64_t value;
    if (Status s = expr.evaluate(sizes, value); !s)
      return Status::error("kernel '" + kernel.entry + "': " + dim + " " +
                           s.message());
    int64_t limit = d == 0 ? kMaxGridX : kMaxGridYZ;
    if (value >= 1 && value <= limit) {
      grid[d] = unsigned(value);
      continue;
    }
    // Say which sizes led there: the caller knows them, not the expression.
    std::string with;
    for (const std::string &name : expr.identifiers()) {
      auto it = sizes.find(name);
      with += (with.empty() ? " with " : ", ") + name + " = " +
              (it == sizes.end() ? "?" : std::to_string(it->second));
    }
    std::string message = "kernel '" + kernel.entry + "': " + dim + " = " +
                          expr.text() + " = " + std::to_string(value) + with;
    if (value < 1)
      return Status::error(message + "; it must be at least 1");
    return Status::error(message + "; at most " + std::to_string(limit) +
                         " are supported");
  }
  return Status::success();
}

} // namespace msa::runtime
