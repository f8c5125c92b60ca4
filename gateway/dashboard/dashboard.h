#pragma once

#include <span>
#include <string_view>

namespace stadt::gateway {

// One file of the strategy-monitoring dashboard, embedded at build time.
struct DashboardAsset {
  std::string_view path;  // request path, e.g. "/dashboard"
  std::string_view content_type;
  std::string_view body;
};

// The page, its script and its style sheet. The page reads only the public
// JSON routes under /v1/monitoring/ from the same origin.
std::span<const DashboardAsset> DashboardAssets();

// The asset served at `path`, or null.
const DashboardAsset* FindDashboardAsset(std::string_view path);

// The Content-Security-Policy the dashboard's files go out with, instead of
// the gateway's default `default-src 'none'`: script, style and fetch() only
// from the gateway itself, no inline script or style, no plugins, no framing,
// and DOM sinks such as innerHTML refused (the script builds nodes only).
inline constexpr std::string_view kDashboardContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; "
    "require-trusted-types-for 'script'";

}  // namespace stadt::gateway
