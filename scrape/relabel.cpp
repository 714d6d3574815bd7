#include "scrape/relabel.hpp"

// Rules rewrite a plain vector of labels in place: the sets are small (a
// target's discovered labels, a series' labels), so linear lookups beat
// building a map per rule. Each rule reads the set as it was before the rule,
// as Prometheus's label builder does; only labelmap could observe the
// difference, so it collects its additions before applying them.

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <bit>
#include <numeric>

namespace vigil::scrape {
namespace {

constexpr std::string_view default_pattern = "(.*)";
constexpr std::string_view default_separator = ";";
constexpr std::string_view default_replacement = "$1";

constexpr std::array<std::string_view, 11> action_names{
    "replace",  "keep",      "drop",      "keepequal", "dropequal", "hashmod",
    "labelmap", "labeldrop", "labelkeep", "lowercase", "uppercase",
};

std::shared_ptr<const re2::RE2> anchored(std::string_view pattern) {
  re2::RE2::Options opts;
  opts.set_log_errors(false);
  return std::make_shared<const re2::RE2>("^(?:" + std::string{pattern} + ")$", opts);
}

bool full_match(const re2::RE2& re, std::string_view text) {
  return re.Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), re2::RE2::ANCHOR_BOTH,
                  nullptr, 0);
}

// --- MD5 (RFC 1321) -------------------------------------------------------
// Only hashmod needs it, and only for compatibility: Prometheus buckets by
// the MD5 digest, so any other hash would move targets between shards when a
// setup moves from Prometheus to vigil. No MD5 library is linked otherwise.

constexpr std::array<uint32_t, 64> md5_k{
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};
constexpr std::array<int, 16> md5_shift{7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21};

std::array<uint8_t, 16> md5(std::string_view data) {
  std::string msg{data};
  msg += '\x80';
  while (msg.size() % 64 != 56) msg += '\0';
  uint64_t bits = uint64_t{data.size()} * 8;
  for (int i = 0; i < 8; ++i) msg += static_cast<char>(bits >> (8 * i));

  std::array<uint32_t, 4> h{0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  for (size_t block = 0; block < msg.size(); block += 64) {
    std::array<uint32_t, 16> w{};
    for (size_t i = 0; i < 64; ++i)
      w[i / 4] |= uint32_t{static_cast<uint8_t>(msg[block + i])} << (8 * (i % 4));
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    for (int i = 0; i < 64; ++i) {
      uint32_t f;
      int g;
      switch (i / 16) {
        case 0:
          f = (b & c) | (~b & d), g = i;
          break;
        case 1:
          f = (d & b) | (~d & c), g = (5 * i + 1) % 16;
          break;
        case 2:
          f = b ^ c ^ d, g = (3 * i + 5) % 16;
          break;
        default:
          f = c ^ (b | ~d), g = (7 * i) % 16;
          break;
      }
      uint32_t rotated = std::rotl(a + f + md5_k[i] + w[g], md5_shift[i / 16 * 4 + i % 4]);
      a = d, d = c, c = b, b += rotated;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d;
  }
  std::array<uint8_t, 16> out{};
  for (size_t i = 0; i < 16; ++i) out[i] = static_cast<uint8_t>(h[i / 4] >> (8 * (i % 4)));
  return out;
}

// Prometheus's sum64 shifts all 16 bytes into a uint64, so only the last 8
// survive, big-endian.
uint64_t hashmod_sum(std::string_view value) {
  auto digest = md5(value);
  uint64_t s = 0;
  for (size_t i = 8; i < 16; ++i) s = (s << 8) | digest[i];
  return s;
}

// --- Go's regexp.Expand -----------------------------------------------------

// Go takes any Unicode letter or digit into a group name; counting every
// non-ASCII byte as one matches that for letters, by far the common case.
bool name_byte(char c) {
  auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' ||
         u >= 0x80;
}

using groups = std::vector<re2::StringPiece>;

// `$$` is `$`; `$name` takes the longest run of name characters (so `$1x` is
// group "1x"), `${name}` is delimited; an all-digit name without a leading
// zero is a group number; an unknown or unmatched group expands to nothing;
// a `$` starting no valid reference stays literal.
std::string expand(std::string_view tmpl, const re2::RE2& re, const groups& g) {
  std::string out;
  size_t i = 0;
  while (i < tmpl.size()) {
    size_t dollar = tmpl.find('$', i);
    out.append(tmpl.substr(i, dollar - i));
    if (dollar == std::string_view::npos) break;
    i = dollar + 1;
    if (i < tmpl.size() && tmpl[i] == '$') {
      out += '$';
      ++i;
      continue;
    }
    bool brace = i < tmpl.size() && tmpl[i] == '{';
    size_t begin = i + brace, end = begin;
    while (end < tmpl.size() && name_byte(tmpl[end])) ++end;
    if (end == begin || (brace && (end == tmpl.size() || tmpl[end] != '}'))) {
      out += '$';
      continue;
    }
    std::string_view name = tmpl.substr(begin, end - begin);
    i = end + brace;
    int index = -1;
    bool number =
        name.size() <= 9 && (name == "0" || name[0] != '0') &&
        std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (number) {
      index = std::accumulate(name.begin(), name.end(), 0,
                              [](int n, char c) { return n * 10 + (c - '0'); });
    } else {
      auto named = re.NamedCapturingGroups().find(std::string{name});
      if (named != re.NamedCapturingGroups().end()) index = named->second;
    }
    if (index >= 0 && static_cast<size_t>(index) < g.size())
      out.append(g[index].data(), g[index].size());
  }
  return out;
}

// --- label vector helpers ---------------------------------------------------

std::string_view get(const std::vector<label>& ls, std::string_view name) {
  auto it = std::find_if(ls.begin(), ls.end(), [&](const label& l) { return l.name == name; });
  return it == ls.end() ? std::string_view{} : std::string_view{it->value};
}

void del(std::vector<label>& ls, std::string_view name) {
  std::erase_if(ls, [&](const label& l) { return l.name == name; });
}

// An empty value deletes, as Prometheus's label builder does.
void set(std::vector<label>& ls, std::string_view name, std::string value) {
  if (value.empty()) return del(ls, name);
  auto it = std::find_if(ls.begin(), ls.end(), [&](const label& l) { return l.name == name; });
  if (it != ls.end())
    it->value = std::move(value);
  else
    ls.push_back(label{std::string{name}, std::move(value)});
}

std::string joined_sources(const std::vector<label>& ls, const relabel_rule& rule) {
  std::string out;
  for (size_t i = 0; i < rule.source_labels.size(); ++i) {
    if (i > 0) out += rule.separator;
    out += get(ls, rule.source_labels[i]);
  }
  return out;
}

std::string ascii_case(std::string s, bool upper) {
  for (char& c : s) {
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

void replace(std::vector<label>& ls, const relabel_rule& rule) {
  const re2::RE2& re = rule.regex.re();
  std::string value = joined_sources(ls, rule);
  groups g(static_cast<size_t>(re.NumberOfCapturingGroups()) + 1);
  if (!re.Match(re2::StringPiece(value), 0, value.size(), re2::RE2::ANCHOR_BOTH, g.data(),
                static_cast<int>(g.size())))
    return;
  std::string target = expand(rule.target_label, re, g);
  std::string result = valid_label_name(target) ? expand(rule.replacement, re, g) : std::string{};
  // Prometheus deletes the unexpanded target_label here, not the expansion.
  if (result.empty()) return del(ls, rule.target_label);
  set(ls, target, std::move(result));
}

void labelmap(std::vector<label>& ls, const relabel_rule& rule) {
  const re2::RE2& re = rule.regex.re();
  // Prometheus visits labels by name, so when two map to the same new name
  // the later name's value wins; visit in that order too.
  std::vector<size_t> order(ls.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return ls[a].name < ls[b].name; });
  groups g(static_cast<size_t>(re.NumberOfCapturingGroups()) + 1);
  std::vector<label> added;
  for (size_t i : order) {
    const auto& name = ls[i].name;
    if (re.Match(re2::StringPiece(name), 0, name.size(), re2::RE2::ANCHOR_BOTH, g.data(),
                 static_cast<int>(g.size())))
      added.push_back(label{expand(rule.replacement, re, g), ls[i].value});
  }
  for (auto& l : added) set(ls, l.name, std::move(l.value));
}

// False when the rule drops the set.
bool apply(std::vector<label>& ls, const relabel_rule& rule) {
  const re2::RE2& re = rule.regex.re();
  switch (rule.action) {
    case relabel_action::keep:
      return full_match(re, joined_sources(ls, rule));
    case relabel_action::drop:
      return !full_match(re, joined_sources(ls, rule));
    case relabel_action::keepequal:
      return get(ls, rule.target_label) == joined_sources(ls, rule);
    case relabel_action::dropequal:
      return get(ls, rule.target_label) != joined_sources(ls, rule);
    case relabel_action::replace:
      replace(ls, rule);
      break;
    case relabel_action::lowercase:
      set(ls, rule.target_label, ascii_case(joined_sources(ls, rule), false));
      break;
    case relabel_action::uppercase:
      set(ls, rule.target_label, ascii_case(joined_sources(ls, rule), true));
      break;
    case relabel_action::hashmod:
      // check() rejects a zero modulus; without it Prometheus would panic.
      if (rule.modulus != 0)
        set(ls, rule.target_label,
            std::to_string(hashmod_sum(joined_sources(ls, rule)) % rule.modulus));
      break;
    case relabel_action::labelmap:
      labelmap(ls, rule);
      break;
    case relabel_action::labeldrop:
      std::erase_if(ls, [&](const label& l) { return full_match(re, l.name); });
      break;
    case relabel_action::labelkeep:
      std::erase_if(ls, [&](const label& l) { return !full_match(re, l.name); });
      break;
  }
  return true;
}

// --- check() ----------------------------------------------------------------

// Prometheus's relabelTarget: label-name characters and $-references.
bool valid_template(std::string_view s) {
  static const auto re = anchored(R"((?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+)");
  return full_match(*re, s);
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

template <class... A>
bool one_of(relabel_action a, A... as) {
  return ((a == as) || ...);
}

}  // namespace

std::string_view to_string(relabel_action a) noexcept {
  return action_names[static_cast<size_t>(a)];
}

std::optional<relabel_action> parse_relabel_action(std::string_view word) noexcept {
  // Prometheus lower-cases the YAML word first: "Replace" is replace.
  for (size_t i = 0; i < action_names.size(); ++i) {
    auto name = action_names[i];
    if (name.size() == word.size() &&
        std::equal(name.begin(), name.end(), word.begin(),
                   [](char n, char w) { return n == (w >= 'A' && w <= 'Z' ? w - 'A' + 'a' : w); }))
      return static_cast<relabel_action>(i);
  }
  return std::nullopt;
}

relabel_regex::relabel_regex() : pattern_(default_pattern) {
  // Every rule without a regex shares one compiled default.
  static const auto shared = anchored(default_pattern);
  re_ = shared;
}

expected<relabel_regex> relabel_regex::compile(std::string_view pattern) {
  auto re = anchored(pattern);
  if (!re->ok())
    return error{errc::invalid_argument, "invalid regex " + quoted(pattern) + ": " + re->error()};
  relabel_regex out;
  out.pattern_ = std::string{pattern};
  out.re_ = std::move(re);
  return out;
}

std::optional<std::string> check(const relabel_rule& rule) {
  using enum relabel_action;
  const auto a = rule.action;
  const std::string act{to_string(a)};
  const bool plain_replacement = rule.replacement == default_replacement;
  if (a == hashmod && rule.modulus == 0)
    return "relabel configuration for hashmod requires non-zero modulus";
  if (one_of(a, replace, hashmod, lowercase, uppercase, keepequal, dropequal) &&
      rule.target_label.empty())
    return "relabel configuration for " + act + " action requires 'target_label' value";
  if (one_of(a, replace, lowercase, uppercase, keepequal, dropequal) &&
      !valid_template(rule.target_label))
    return quoted(rule.target_label) + " is invalid 'target_label' for " + act + " action";
  if (one_of(a, lowercase, uppercase, keepequal, dropequal) && !plain_replacement)
    return "'replacement' can not be set for " + act + " action";
  if (a == labelmap && !valid_template(rule.replacement))
    return quoted(rule.replacement) + " is invalid 'replacement' for " + act + " action";
  if (a == hashmod && !valid_label_name(rule.target_label))
    return quoted(rule.target_label) + " is invalid 'target_label' for " + act + " action";
  const bool default_rest =
      rule.modulus == 0 && rule.separator == default_separator && plain_replacement;
  if (one_of(a, keepequal, dropequal) && (rule.regex.pattern() != default_pattern || !default_rest))
    return act + " action requires only 'source_labels' and `target_label`, and no other fields";
  if (one_of(a, labeldrop, labelkeep) &&
      (!rule.source_labels.empty() || !rule.target_label.empty() || !default_rest))
    return act + " action requires only 'regex', and no other fields";
  return std::nullopt;
}

bool relabel(std::vector<label>& ls, std::span<const relabel_rule> rules) {
  std::erase_if(ls, [](const label& l) { return l.value.empty(); });
  for (const auto& rule : rules)
    if (!apply(ls, rule)) return false;
  return true;
}

}  // namespace vigil::scrape
