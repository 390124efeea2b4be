// What a delivered bill hands over, as lines the customer reads on screen and by email. Free of
// Firebase so the bills page imports it too, and the page and the receipt never word it apart.

/** The delivery a bill records (bills/{billId}.delivery). */
export interface DeliveryLines {
  readonly token?: string | undefined;
  readonly units?: string | undefined;
  readonly pins?: readonly string[] | undefined;
  readonly confirmation?: string | undefined;
}

export function deliveredLines(delivery: DeliveryLines | null | undefined): string[] {
  if (!delivery) return [];
  return [
    ...(delivery.token ? [`Token: ${delivery.token}${delivery.units ? ` (${delivery.units})` : ""}`] : []),
    ...(delivery.pins ?? []).map((pin) => `PIN: ${pin}`),
    ...(delivery.confirmation ? [delivery.confirmation] : []),
  ];
}
