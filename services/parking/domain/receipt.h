#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "services/parking/domain/sessions.h"
#include "services/parking/domain/zones.h"

namespace stadt::parking {

// Who issues the receipts: the city that collects the parking fees.
struct ReceiptIssuer {
  std::string name = "Landeshauptstadt Stuttgart";
  std::string address = "Marktplatz 1, 70173 Stuttgart";
  // Steuernummer or USt-IdNr.; empty: not printed (a receipt of at most
  // 250 EUR, a Kleinbetragsrechnung, needs none).
  std::string tax_id;

  friend bool operator==(const ReceiptIssuer&, const ReceiptIssuer&) = default;
};

struct ReceiptSettings {
  ReceiptIssuer issuer;
  // VAT rate in percent contained in every price (tariffs are gross prices).
  int vat_percent = 19;
};

// The receipt of a session that has ended: what a tax office accepts.
struct TaxReceipt {
  std::string number;
  ReceiptIssuer issuer;
  std::string zone_id;
  std::string zone_name;
  absl::Time start;
  absl::Time end;
  int64_t gross_cents = 0;
  int64_t net_cents = 0;
  int64_t vat_cents = 0;
  int vat_percent = 0;
};

// "PK-" and the session id in upper case: derived from the id, so every
// retrieval and every retried stop shows the same number, and unique as the id.
std::string ReceiptNumber(std::string_view session_id);

// The VAT contained in a gross price: gross x rate / (100 + rate), rounded
// half up to whole cents. 480 ct at 19 %: 76.64 -> 77 ct VAT, 403 ct net.
int64_t IncludedVatCents(int64_t gross_cents, int vat_percent);

// The receipt of `session` (its stored price is the gross) in `zone`.
TaxReceipt MakeTaxReceipt(const Session& session, const Zone& zone,
                          const ReceiptSettings& settings);

}  // namespace stadt::parking
