// The `auth` section: API tokens, inline or read from a file. Messages never
// repeat a token's value.

#include <algorithm>

#include "config/sections.hpp"
#include "config/text_file.hpp"

namespace vigil::config::detail {
namespace {

std::optional<std::vector<role>> as_roles(const value& v, collector& out) {
  auto items = as_list(v, out);
  if (items.empty()) {
    if (v.node.IsNull() || v.node.IsSequence())
      out.report(v, "expected a non-empty list of roles (read, write, admin)");
    return std::nullopt;
  }
  auto parse = one_of<role>({role::read, role::write, role::admin});
  std::vector<role> roles;
  bool ok = true;
  for (const auto& item : items) {
    auto r = parse(item, out);
    if (r && std::find(roles.begin(), roles.end(), *r) != roles.end()) {
      out.report(item, "duplicate role " + describe(item.node) + " (expected each role once)");
      r.reset();
    }
    if (r)
      roles.push_back(*r);
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return roles;
}

// The token in the file at `v` (relative to `base_dir`), without trailing
// whitespace.
std::optional<std::string> read_token_file(const value& v, collector& out,
                                           const std::filesystem::path& base_dir) {
  auto name = as_non_empty_string(v, out);
  if (!name) return std::nullopt;
  std::filesystem::path path{*name};
  if (path.is_relative()) path = base_dir / path;
  auto text = read_text_file(path);
  if (!text) {
    out.report(v, text.error_value().message);
    return std::nullopt;
  }
  std::string token = std::move(*text);
  token.erase(token.find_last_not_of(" \t\r\n\v\f") + 1);  // npos + 1 == 0
  if (token.empty()) {
    out.report(v, "token file \"" + path.string() + "\" is empty (expected the token)");
    return std::nullopt;
  }
  return token;
}

struct token_fields {
  std::optional<value> name;
  std::optional<value> secret;  // `token` or `token_file`, whichever was used
};

token_fields read_token(mapping& m, token_config& t, const std::filesystem::path& base_dir) {
  token_fields f;
  f.name = m.read_required("name", t.name, as_non_empty_string);
  auto inline_token = m.field("token");
  auto file = m.field("token_file");
  (void)m.read_required("roles", t.roles, as_roles);

  std::optional<std::string> secret;
  if (inline_token && file) {
    m.out().report(*file, "expected either \"token\" or \"token_file\", not both");
  } else if (inline_token) {
    secret = as_non_empty_string(*inline_token, m.out());
    f.secret = inline_token;
  } else if (file) {
    secret = read_token_file(*file, m.out(), base_dir);
    f.secret = file;
  } else {
    m.missing("\"token\" or \"token_file\"");
  }
  if (secret)
    t.token = std::move(*secret);
  else
    f.secret.reset();
  return f;
}

}  // namespace

void read_auth(mapping& m, auth_config& out, const std::filesystem::path& base_dir) {
  std::vector<token_fields> fields;
  if (auto tokens = m.field("tokens")) {
    m.each_mapping(*tokens, [&](mapping& token, size_t) {
      fields.push_back(read_token(token, out.tokens.emplace_back(), base_dir));
    });
  }
  unique_set names;
  unique_set secrets;
  for (size_t i = 0; i < out.tokens.size(); ++i) {
    if (fields[i].name)
      names.add(out.tokens[i].name, *fields[i].name, m.out(),
                "duplicate token name \"" + out.tokens[i].name + "\"");
    if (fields[i].secret)
      secrets.add(out.tokens[i].token, *fields[i].secret, m.out(), "duplicate token value");
  }
}

}  // namespace vigil::config::detail
