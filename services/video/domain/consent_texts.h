#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace stadt::video {

// One published version of the privacy notice or the terms of use, German
// first. Versions are never edited once published: a change is a new
// version, so that a recorded consent always names the text the citizen saw.
struct ConsentText {
  std::string version;
  std::string title_de;
  std::string title_en;
  std::string text_de;
  std::string text_en;
};

// Every published version of one document and which of them is current.
struct ConsentDocument {
  std::string current;
  std::vector<ConsentText> versions;

  // nullptr for a version never published.
  const ConsentText* Find(std::string_view version) const;
  const ConsentText& Current() const { return *Find(current); }
};

enum class ConsentKind { kPrivacyNotice, kTerms };

// The texts a video-consultation consent refers to (VIDEO_CONSENT_TEXTS_FILE).
struct ConsentTexts {
  ConsentDocument privacy_notice;
  ConsentDocument terms;

  const ConsentDocument& Of(ConsentKind kind) const {
    return kind == ConsentKind::kPrivacyNotice ? privacy_notice : terms;
  }
};

// The kind as it appears in paths: "privacy-notice" or "terms".
absl::StatusOr<ConsentKind> ConsentKindFromSlug(std::string_view slug);
std::string_view SlugOf(ConsentKind kind);

// Parses and checks the texts file: both documents, each with unique, valid
// versions (1 to 32 of a-z, A-Z, 0-9, '.', '-'), all four texts non-empty,
// and a current version that is one of them.
absl::StatusOr<ConsentTexts> ParseConsentTexts(const std::string& json_text);

}  // namespace stadt::video
