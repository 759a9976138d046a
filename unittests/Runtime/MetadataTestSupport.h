//===- MetadataTestSupport.h - Kernel metadata written by tests -*- C++ -*-===//
//
// Builders for variant metadata as msa-codegen writes it, member by member,
// so that tests can drop or replace single keys, and the parameter list of
// the probabilities kernel, which forward and backward variants share.
//
//===----------------------------------------------------------------------===//

#ifndef MSA_UNITTESTS_RUNTIME_METADATATESTSUPPORT_H
#define MSA_UNITTESTS_RUNTIME_METADATATESTSUPPORT_H

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace msa::runtime::test {

/// One JSON object written member by member (values as raw JSON), so that
/// tests can drop or replace single keys.
struct FakeObject {
  std::vector<std::pair<std::string, std::string>> members;

  FakeObject &set(const std::string &key, const std::string &raw) {
    for (auto &m : members)
      if (m.first == key) {
        m.second = raw;
        return *this;
      }
    members.emplace_back(key, raw);
    return *this;
  }
  FakeObject &erase(const std::string &key) {
    members.erase(std::remove_if(members.begin(), members.end(),
                                 [&](const auto &m) { return m.first == key; }),
                  members.end());
    return *this;
  }
  std::string str() const {
    std::string text = "{";
    for (const auto &[key, raw] : members)
      text += (text.size() > 1 ? ", \"" : "\"") + key + "\": " + raw;
    return text + "}";
  }
};

using ParamList = std::vector<std::pair<std::string, std::string>>;

inline std::string paramsJson(const ParamList &params) {
  std::string text = "[";
  for (const auto &[name, type] : params)
    text += (text.size() > 1 ? ", " : "") + std::string("{\"name\": \"") +
            name + "\", \"type\": \"" + type + "\"}";
  return text + "]";
}

/// The parameters of msa-codegen's probabilities kernel, in their order.
inline const ParamList kProbsParams = {{"bias", "ptr"},
                                       {"pair_mask", "ptr"},
                                       {"probs", "ptr"},
                                       {"lse", "ptr"},
                                       {"B", "i64"},
                                       {"R", "i64"},
                                       {"H", "i64"},
                                       {"Rp", "i64"},
                                       {"bias_stride_b", "i64"},
                                       {"bias_stride_i", "i64"},
                                       {"bias_stride_j", "i64"},
                                       {"bias_stride_h", "i64"},
                                       {"mask_stride_b", "i64"},
                                       {"mask_stride_i", "i64"},
                                       {"mask_stride_j", "i64"},
                                       {"has_pair_mask", "i64"},
                                       {"has_lse", "i64"},
                                       {"inf", "f32"}};

/// The value a packed parameter points to.
template <typename T> T read(void *param) {
  T value;
  std::memcpy(&value, param, sizeof(T));
  return value;
}

} // namespace msa::runtime::test

#endif // MSA_UNITTESTS_RUNTIME_METADATATESTSUPPORT_H
