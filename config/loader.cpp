#include "config/loader.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "config/sections.hpp"
#include "config/text_file.hpp"

namespace vigil::config {
namespace {

// The top level: one line per section. Without a `cluster` section the
// process runs as a single node called "local" with the default addresses.
void read_root(detail::mapping& root, config& out, const std::filesystem::path& base_dir) {
  using namespace detail;
  if (!root.section("cluster", [&](mapping& m) { read_cluster(m, out.cluster); }))
    out.cluster.nodes = {default_node()};
  root.section("global", [&](mapping& m) { read_global(m, out.global); });
  root.section("storage", [&](mapping& m) { read_storage(m, out.storage); });
  root.section("auth", [&](mapping& m) { read_auth(m, out.auth, base_dir); });
  root.section("http", [&](mapping& m) { read_http(m, out.http); });
  root.section("query", [&](mapping& m) { read_query(m, out.query); });
  read_scrape_configs(root, out.global, out.scrape_configs, base_dir);  // after `global`
}

std::string node_names(const config& cfg) {
  std::string names;
  for (const auto& n : cfg.cluster.nodes) names += (names.empty() ? "" : ", ") + n.name;
  return names.empty() ? "none" : names;
}

}  // namespace

namespace {

// Keys whose values are secrets, in vigil's sections and in scrape_configs.
bool secret_key(const std::string& key) {
  for (const char* k : {"secret", "token", "password", "credentials", "bearer_token"})
    if (key == k) return true;
  return false;
}

void redact(YAML::Node node) {
  if (node.IsMap()) {
    for (auto it : node) {
      if (it.second.IsScalar() && secret_key(it.first.Scalar()))
        it.second = "<secret>";
      else
        redact(it.second);
    }
  } else if (node.IsSequence()) {
    for (auto item : node) redact(item);
  }
}

}  // namespace

std::string redacted_yaml(const config& cfg) {
  try {
    YAML::Node root = YAML::Load(cfg.yaml);
    redact(root);
    YAML::Emitter out;
    out << root;
    return std::string{out.c_str()} + "\n";
  } catch (const YAML::Exception&) {
    return "";  // cannot happen for a config that loaded
  }
}

std::string to_string(const diagnostic& d) {
  return d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.path +
         ": " + d.message;
}

load_result check_string(std::string_view yaml, const std::string& source) {
  load_result result;
  result.value.source = source;
  result.value.yaml = yaml;
  detail::collector out{source};
  try {
    std::vector<YAML::Node> documents = YAML::LoadAll(std::string{yaml});
    if (documents.size() > 1) {
      out.report(documents[1].Mark(), "",
                 "expected a single YAML document, found " + std::to_string(documents.size()));
    }
    YAML::Node root = documents.empty() ? YAML::Node{} : documents.front();
    detail::mapping top{{root, "", root.Mark()}, out};
    read_root(top, result.value, std::filesystem::path{source}.parent_path());
    top.finish();
  } catch (const YAML::Exception& e) {
    // Parser errors; the readers above do not throw on well-formed YAML.
    out.report(e.mark, "", "invalid YAML: " + e.msg);
  }
  result.diagnostics = out.take();
  return result;
}

error to_error(const std::vector<diagnostic>& diagnostics) {
  std::string message;
  for (const auto& d : diagnostics) {
    if (!message.empty()) message += '\n';
    message += to_string(d);
  }
  return {errc::parse_error, std::move(message)};
}

expected<config> load_string(std::string_view yaml, const std::string& source) {
  load_result result = check_string(yaml, source);
  if (!result.ok()) return to_error(result.diagnostics);
  return std::move(result.value);
}

expected<config> load_file(const std::string& path) {
  auto text = detail::read_text_file(path);
  if (!text) return std::move(text).error_value();
  return load_string(*text, path);
}

config embedded_default() {
  load_result result = check_string(embedded_default_yaml(), "<embedded>");
  if (!result.ok()) {
    std::fprintf(stderr, "vigil: the embedded default configuration is invalid:\n%s\n",
                 to_error(result.diagnostics).message.c_str());
    std::abort();
  }
  return std::move(result.value);
}

expected<const node_config*> select_node(const config& cfg, std::string_view name) {
  const auto& nodes = cfg.cluster.nodes;
  if (name.empty()) {
    if (nodes.size() == 1) return &nodes.front();
    return error{errc::invalid_argument, "no node name given and the cluster has " +
                                             std::to_string(nodes.size()) +
                                             " nodes (expected one of: " + node_names(cfg) + ")"};
  }
  for (const auto& n : nodes) {
    if (n.name == name) return &n;
  }
  return error{errc::not_found, "no node named \"" + std::string{name} +
                                    "\" in the cluster (expected one of: " + node_names(cfg) + ")"};
}

std::string_view to_string(fsync_policy p) noexcept {
  switch (p) {
    case fsync_policy::always:
      return "always";
    case fsync_policy::batch:
      return "batch";
    case fsync_policy::never:
      return "never";
  }
  return "unknown";
}

std::string_view to_string(role r) noexcept {
  switch (r) {
    case role::read:
      return "read";
    case role::write:
      return "write";
    case role::admin:
      return "admin";
  }
  return "unknown";
}

}  // namespace vigil::config
