#include "services/parking/domain/receipt.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/strings.h"

namespace stadt::parking {

std::string ReceiptNumber(std::string_view session_id) {
  return absl::StrCat("PK-", absl::AsciiStrToUpper(ToAbsl(session_id)));
}

int64_t IncludedVatCents(int64_t gross_cents, int vat_percent) {
  if (gross_cents <= 0 || vat_percent <= 0) return 0;
  // Exact in integers: floor((2 * gross * rate + divisor) / (2 * divisor))
  // is gross * rate / divisor rounded half up.
  const int64_t divisor = 100 + static_cast<int64_t>(vat_percent);
  return (2 * gross_cents * vat_percent + divisor) / (2 * divisor);
}

TaxReceipt MakeTaxReceipt(const Session& session, const Zone& zone,
                          const ReceiptSettings& settings) {
  TaxReceipt receipt;
  receipt.number = ReceiptNumber(session.id);
  receipt.issuer = settings.issuer;
  receipt.zone_id = zone.id;
  receipt.zone_name = zone.name;
  receipt.start = session.start;
  receipt.end = session.end;
  receipt.gross_cents = session.price_cents;
  receipt.vat_percent = settings.vat_percent;
  receipt.vat_cents = IncludedVatCents(session.price_cents, settings.vat_percent);
  receipt.net_cents = receipt.gross_cents - receipt.vat_cents;
  return receipt;
}

}  // namespace stadt::parking
