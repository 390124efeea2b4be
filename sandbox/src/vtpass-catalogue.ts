// The VTpass simulator's small catalogue and its sandbox customers (VTpass's own sandbox
// numbers). Prices are naira, as VTpass lists them.

export interface SimVariation {
  variation_code: string;
  name: string;
  variation_amount: string;
  fixedPrice: "Yes" | "No";
}

export interface SimProduct {
  readonly serviceID: string;
  readonly name: string;
  /** VTpass's category ("identifier"). */
  readonly identifier: string;
  /** The transaction `type` VTpass reports. */
  readonly type: string;
  readonly min: number;
  readonly max: number;
  /** What merchant-verify checks, when the product has a customer number. */
  readonly verify?: "meter" | "smartcard" | "account";
  variations: SimVariation[];
}

export const CATEGORIES = [
  { identifier: "airtime", name: "Airtime Recharge" },
  { identifier: "data", name: "Data Services" },
  { identifier: "tv-subscription", name: "TV Subscription" },
  { identifier: "electricity-bill", name: "Electricity Bill" },
  { identifier: "education", name: "Education" },
  { identifier: "other-services", name: "Other Merchants/Services" },
  { identifier: "insurance", name: "Insurance" },
];

const fixed = (variation_code: string, name: string, naira: number): SimVariation => ({
  variation_code,
  name,
  variation_amount: naira.toFixed(2),
  fixedPrice: "Yes",
});

const airtime = (serviceID: string, name: string): SimProduct => ({
  serviceID,
  name,
  identifier: "airtime",
  type: "Airtime Recharge",
  min: 50,
  max: 50_000,
  variations: [],
});

const data = (serviceID: string, name: string, prefix: string): SimProduct => ({
  serviceID,
  name,
  identifier: "data",
  type: "Data Services",
  min: 1,
  max: 1_000_000,
  variations: [
    fixed(`${prefix}-100mb-100`, `${name} N100 100MB - 1 day`, 100),
    fixed(`${prefix}-1gb-500`, `${name} N500 1GB - 7 days`, 500),
    fixed(`${prefix}-3gb-1500`, `${name} N1500 3GB - 30 days`, 1500),
  ],
});

const electricity = (serviceID: string, name: string): SimProduct => ({
  serviceID,
  name,
  identifier: "electricity-bill",
  type: "Electricity Bill",
  min: 500,
  max: 500_000,
  verify: "meter",
  variations: [
    { variation_code: "prepaid", name: "Prepaid", variation_amount: "0", fixedPrice: "No" },
    { variation_code: "postpaid", name: "Postpaid", variation_amount: "0", fixedPrice: "No" },
  ],
});

const tv = (serviceID: string, name: string, bouquets: SimVariation[]): SimProduct => ({
  serviceID,
  name,
  identifier: "tv-subscription",
  type: "TV Subscription",
  min: 1,
  max: 1_000_000,
  verify: "smartcard",
  variations: bouquets,
});

/** A fresh copy per simulator: the variations-update control changes it. */
export function catalogue(): Map<string, SimProduct> {
  const products: SimProduct[] = [
    airtime("mtn", "MTN Airtime VTU"),
    airtime("airtel", "Airtel Airtime VTU"),
    airtime("glo", "GLO Airtime"),
    airtime("etisalat", "9mobile Airtime VTU"),
    data("mtn-data", "MTN Data", "mtn"),
    data("airtel-data", "Airtel Data", "airtel"),
    data("glo-data", "GLO Data", "glo"),
    data("etisalat-data", "9mobile Data", "eti"),
    {
      serviceID: "smile-direct",
      name: "Smile Payment",
      identifier: "data",
      type: "Data Services",
      min: 100,
      max: 150_000,
      verify: "account",
      variations: [fixed("smile-1gb-300", "1GB FlexiDaily", 300), fixed("smile-10gb-8000", "10GB Monthly", 8000)],
    },
    electricity("ikeja-electric", "Ikeja Electric Payment - IKEDC"),
    electricity("eko-electric", "Eko Electric Payment - EKEDC"),
    electricity("abuja-electric", "Abuja Electricity Distribution Company - AEDC"),
    tv("dstv", "DSTV Subscription", [
      fixed("dstv-padi", "DStv Padi N2,950", 2950),
      fixed("dstv-yanga", "DStv Yanga N4,200", 4200),
      fixed("dstv-confam", "DStv Confam N7,400", 7400),
    ]),
    tv("gotv", "Gotv Payment", [
      fixed("gotv-smallie", "GOtv Smallie N1,575", 1575),
      fixed("gotv-jinja", "GOtv Jinja N3,300", 3300),
      fixed("gotv-max", "GOtv Max N8,500", 8500),
    ]),
    tv("startimes", "Startimes Subscription", [
      fixed("nova", "Nova - 1 Month", 1900),
      fixed("basic", "Basic - 1 Month", 3700),
    ]),
    {
      serviceID: "waec",
      name: "WAEC Result Checker PIN",
      identifier: "education",
      type: "Education",
      min: 1,
      max: 1_000_000,
      variations: [fixed("waecdirect", "WASSCE", 3900)],
    },
    {
      serviceID: "ui-insure",
      name: "Third Party Motor Insurance - Universal Insurance",
      identifier: "insurance",
      type: "Insurance",
      min: 1,
      max: 1_000_000,
      variations: [fixed("1", "Private", 3000), fixed("2", "Commercial", 5000)],
    },
  ];
  return new Map(products.map((product) => [product.serviceID, structuredClone(product)]));
}

export interface SandboxCustomer {
  readonly Customer_Name: string;
  readonly [detail: string]: string;
}

/** merchant-verify's answer for a sandbox customer number, when the number is one. */
export function sandboxCustomer(product: SimProduct, billersCode: string, type: string): SandboxCustomer | undefined {
  if (product.verify === "meter") {
    if (billersCode === "1111111111111" && type === "prepaid") {
      return {
        Customer_Name: "TESTMETER1",
        Address: "ABULE EGBA BU ABULE",
        Meter_Number: billersCode,
        Meter_Type: "PREPAID",
        Min_Purchase_Amount: String(product.min),
        Customer_Account_Type: "NMD",
        Can_Vend: "yes",
      };
    }
    if (billersCode === "1010101010101" && type === "postpaid") {
      return {
        Customer_Name: "NP NGEMA",
        Address: "6 ABIODUN ODESEYE Shomolu BU",
        Meter_Number: billersCode,
        Meter_Type: "POSTPAID",
        Customer_Arrears: "1250.00",
        Customer_Account_Type: "NMD",
      };
    }
    return generatedCustomer(product, billersCode, type);
  }
  if (product.verify === "smartcard" && billersCode === "1212121212") {
    const current = product.variations[0];
    return {
      Customer_Name: "Sandbox Viewer",
      Status: "ACTIVE",
      Due_Date: "2030-01-31",
      Customer_Number: "8061522780",
      Current_Bouquet: current?.name ?? "",
      Renewal_Amount: current?.variation_amount ?? "",
    };
  }
  if (product.verify === "account" && billersCode === "08011111111") {
    return { Customer_Name: "Smile Sandbox", AccountId: "1402000567" };
  }
  return generatedCustomer(product, billersCode, type);
}

/**
 * Any other number of a plausible length is a customer too (named after its last digits), so
 * that tests can each buy for numbers of their own; numbers starting with 9 are not found.
 */
function generatedCustomer(product: SimProduct, billersCode: string, type: string): SandboxCustomer | undefined {
  if (billersCode.startsWith("9") || !/^[0-9]{10,13}$/.test(billersCode)) return undefined;
  const name = `SANDBOX CUSTOMER ${billersCode.slice(-4)}`;
  if (product.verify === "meter") {
    return {
      Customer_Name: name,
      Address: "1 SANDBOX STREET IKEJA",
      Meter_Number: billersCode,
      Meter_Type: type.toUpperCase(),
      Min_Purchase_Amount: String(product.min),
      Customer_Account_Type: "NMD",
    };
  }
  if (product.verify === "smartcard") {
    const current = product.variations[0];
    return {
      Customer_Name: name,
      Status: "ACTIVE",
      Due_Date: "2030-01-31",
      Customer_Number: billersCode,
      Current_Bouquet: current?.name ?? "",
      Renewal_Amount: current?.variation_amount ?? "",
    };
  }
  return { Customer_Name: name, AccountId: billersCode };
}
