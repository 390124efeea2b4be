// The checkout page: the same anonymous visitor as the other pages, the products for sale
// (products/, readable by signed-in users), the cart through its callables (the server keeps it;
// the page never writes a price or a quantity to Firestore), checkout with a mobile number, the
// payment's status live from payments/{paymentId}, then the order from orders/{checkoutId} once
// fulfilment has written it. The total shown is sent back as `expectedTotal`: the server prices the
// cart itself and refuses a total the shopper was not shown.
//
// Stable element ids (the e2e test and anyone styling the page rely on them):
//   #products[data-state=loading|loaded]   #product-list li[data-product-id] button.add
//   #cart[data-state=loading|loaded]       #cart-lines li[data-product-id] input.quantity, button.remove
//   #cart-empty #cart-total #cart-blocker #cart-error
//   #checkout-form #checkout-country #checkout-phone #checkout-hint #checkout-email #checkout-currency
//   #checkout-pay #checkout-error #checkout-payment #checkout-status[data-status] #checkout-message
//   #order[data-checkout-id] #order-status[data-status=confirmed|review] #order-note #order-id
//   #order-invoice #order-total #order-lines #order-again   #session #problem
//   #order-invoice-download #order-invoice-link[href] (the invoice PDF, once getInvoiceLink answered)
import { collection, getDocs, onSnapshot, query, where, type Unsubscribe } from "firebase/firestore";
import { httpsCallable } from "./device";

import { COUNTRIES, isFinal, statusLabel, type Country, type PaymentStatus } from "./checkout";
import { element, hide, show } from "./dom";
import { messageOf } from "./errors";
import { startSignedInPage, type Client } from "./firebase";
import { attemptKeys, followCountry, watchPayment } from "./payment-flow";
import {
  canAdd,
  cartLineText,
  cartTotal,
  checkoutBlocker,
  orderLines,
  orderStatusLabel,
  orderTotal,
  parseQuantity,
  priceText,
  reviewNote,
  type CartView,
  type CheckoutView,
  type CollectionCurrency,
  type OrderView,
  type ProductView,
} from "./shop-view";
import { formatMoney } from "../../functions/src/shared/money.ts";
import type { ProviderName } from "../../functions/src/shared/catalog.ts";

interface PaymentSnapshot {
  status: PaymentStatus;
  customerMessage: string;
  provider?: ProviderName;
}

const BUTTON = "Pay";

function textItem(className: string, text: string): HTMLSpanElement {
  const span = document.createElement("span");
  span.className = className;
  span.textContent = text;
  return span;
}

function startShop(client: Client, uid: string): void {
  const call = <O>(name: string) => {
    const callable = httpsCallable<Record<string, unknown>, O>(client.functions, name);
    return async (input: Record<string, unknown>): Promise<O> => (await callable(input)).data;
  };
  const addToCart = call<CartView>("addToCart");
  const updateCartLine = call<CartView>("updateCartLine");
  const removeFromCart = call<CartView>("removeFromCart");
  const getCart = call<CartView>("getCart");
  const checkout = call<CheckoutView>("checkout");
  const getInvoiceLink = call<{ path: string; invoiceNumber: string; expiresAt: string }>("getInvoiceLink");

  const country = element("checkout-country", HTMLSelectElement);
  const phone = element("checkout-phone", HTMLInputElement);
  const email = element("checkout-email", HTMLInputElement);
  const pay = element("checkout-pay", HTMLButtonElement);
  const attempts = attemptKeys();
  let products: ProductView[] = [];
  let cart: CartView = { lines: [] };
  let paying = false;
  let cartRead = false;
  let unsubscribe: Unsubscribe | undefined;

  const currency = (): CollectionCurrency => COUNTRIES[country.value as Country].currency;

  const renderProducts = (): void => {
    const selected = currency();
    element("product-list", HTMLUListElement).replaceChildren(
      ...products.map((product) => {
        const row = document.createElement("li");
        row.dataset.productId = product.id;
        row.append(
          textItem("name", product.name),
          textItem("hint", product.description),
          textItem("price", priceText(product.prices, selected)),
        );
        const add = document.createElement("button");
        add.type = "button";
        add.className = "add";
        add.textContent = "Add to cart";
        add.setAttribute("aria-label", `Add ${product.name} to your cart`);
        add.disabled = !canAdd(product, selected);
        add.addEventListener("click", () => {
          change(() => addToCart({ productId: product.id, quantity: 1 }));
        });
        row.append(add);
        return row;
      }),
    );
    element("no-products").hidden = products.length > 0;
    element("products").dataset.state = "loaded";
  };

  const renderCart = (): void => {
    const selected = currency();
    element("cart-lines", HTMLUListElement).replaceChildren(
      ...cart.lines.map((line) => {
        const row = document.createElement("li");
        row.dataset.productId = line.productId;
        const name = line.name ?? "A product no longer sold";
        const inputId = `quantity-${line.productId}`;
        const label = document.createElement("label");
        label.htmlFor = inputId;
        label.textContent = `${name}, quantity`;
        const quantity = document.createElement("input");
        quantity.id = inputId;
        quantity.className = "quantity";
        quantity.type = "number";
        quantity.inputMode = "numeric";
        quantity.min = "1";
        quantity.max = "99";
        quantity.step = "1";
        quantity.value = String(line.quantity);
        quantity.addEventListener("change", () => {
          const wanted = parseQuantity(quantity.value);
          if (wanted === undefined) {
            show("cart-error", "Enter a quantity from 1 to 99, or remove the line.");
            quantity.value = String(line.quantity);
            return;
          }
          change(() => updateCartLine({ productId: line.productId, quantity: wanted }));
        });
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "remove secondary";
        remove.textContent = "Remove";
        remove.setAttribute("aria-label", `Remove ${name} from your cart`);
        remove.addEventListener("click", () => {
          change(() => removeFromCart({ productId: line.productId }));
        });
        row.append(label, quantity, textItem("line", cartLineText(line, selected)), remove);
        return row;
      }),
    );
    element("cart-empty").hidden = cart.lines.length > 0;
    const total = cartTotal(cart, selected);
    element("cart-total").textContent = total === undefined ? "–" : formatMoney(total, selected);
    const blocker = cart.lines.length === 0 ? undefined : checkoutBlocker(cart, selected);
    if (blocker) show("cart-blocker", blocker);
    else hide("cart-blocker");
    // "loaded" only once a cart call has answered: before that the cart shown is a placeholder.
    if (cartRead) element("cart").dataset.state = "loaded";
    pay.disabled = paying || total === undefined;
  };

  // One cart call at a time, in the order the visitor asked: each answers the whole cart, which
  // the page shows as it is. A click while a call is in flight waits its turn instead of being lost.
  let queue: Promise<void> = Promise.resolve();
  const change = (operation: () => Promise<CartView>): void => {
    if (paying) return;
    queue = queue.then(async () => {
      if (paying) return;
      hide("cart-error");
      try {
        cart = await operation();
        cartRead = true;
      } catch (error: unknown) {
        show("cart-error", messageOf(error));
      } finally {
        renderCart();
      }
    });
  };

  followCountry(
    { phone: "checkout-phone", country: "checkout-country", currency: "checkout-currency", hint: "checkout-hint" },
    () => {
      renderProducts();
      renderCart();
    },
  );

  const ready = (): void => {
    paying = false;
    pay.textContent = BUTTON;
    renderCart();
  };

  const showOrder = (order: OrderView): void => {
    const status = element("order-status");
    status.textContent = orderStatusLabel(order);
    status.dataset.status = order.status;
    const note = reviewNote(order);
    if (note) show("order-note", note);
    else hide("order-note");
    element("order-id").textContent = order.checkoutId;
    element("order-invoice").textContent = order.invoiceNumber;
    element("order-total").textContent = orderTotal(order);
    element("order-lines", HTMLUListElement).replaceChildren(
      ...orderLines(order).map((text) => {
        const row = document.createElement("li");
        row.textContent = text;
        return row;
      }),
    );
    show("order");
    showInvoiceLink(order.checkoutId);
  };

  // The link is made fresh each time the order is shown (a link is good for 90 days); without it
  // the invoice is still in the email, which the hint below the link says.
  const showInvoiceLink = (orderId: string): void => {
    hide("order-invoice-download");
    getInvoiceLink({ orderId })
      .then((link) => {
        if (element("order").dataset.checkoutId !== orderId) return;
        element("order-invoice-link", HTMLAnchorElement).href = new URL(link.path, window.location.href).href;
        element("order-invoice-download").hidden = false;
      })
      .catch(() => {
        // The email has the invoice; the page says so already.
      });
  };

  // The order does not exist until fulfilment has run (a moment after the payment succeeds), and
  // the rules let its owner read it only once it does: the page listens to its own orders with this
  // checkout's id, which the rules allow before and after.
  const watchOrder = (checkoutId: string): void => {
    element("order").dataset.checkoutId = checkoutId;
    const stop = onSnapshot(
      query(collection(client.db, "orders"), where("uid", "==", uid), where("checkoutId", "==", checkoutId)),
      (snapshot) => {
        const found = snapshot.docs[0];
        if (!found) return;
        stop();
        showOrder(found.data() as OrderView);
        // Fulfilment empties the checked-out cart.
        change(() => getCart({}));
      },
      () => {
        show("problem", "We cannot show your order here. It is in your confirmation email.");
      },
    );
  };

  const watch = (answer: CheckoutView): void => {
    unsubscribe?.();
    show("checkout-payment");
    const render = (payment: PaymentSnapshot): void => {
      const status = element("checkout-status");
      status.textContent = statusLabel(payment.status, payment.provider);
      status.dataset.status = payment.status;
      element("checkout-message").textContent = payment.customerMessage;
      if (!isFinal(payment.status)) return;
      unsubscribe?.();
      unsubscribe = undefined;
      attempts.forget();
      ready();
      if (payment.status === "succeeded") watchOrder(answer.checkoutId);
    };
    render({ status: answer.status, customerMessage: answer.customerMessage });
    if (isFinal(answer.status)) return;
    unsubscribe = watchPayment(
      client,
      answer.paymentId,
      (data) => render(data as PaymentSnapshot),
      () => {
        show("checkout-error", "We cannot follow this payment. Your confirmation email will tell you how it ended.");
        ready();
      },
    );
  };

  element("checkout-form", HTMLFormElement).addEventListener("submit", (event) => {
    event.preventDefault();
    hide("checkout-error");
    const selected = currency();
    const total = cartTotal(cart, selected);
    if (total === undefined) {
      show("checkout-error", checkoutBlocker(cart, selected) ?? "Your cart cannot be checked out.");
      return;
    }
    const payerEmail = email.value.trim();
    if (!payerEmail) {
      show("checkout-error", "Enter your email: the confirmation and the invoice are sent there.");
      return;
    }
    const lines = cart.lines.map((line) => [line.productId, line.quantity]);
    const idempotencyKey = attempts.keyFor([phone.value, payerEmail, selected, total, lines]);
    paying = true;
    pay.disabled = true;
    pay.textContent = "Sending the prompt…";
    hide("order");
    checkout({ idempotencyKey, currency: selected, expectedTotal: total, phone: phone.value, email: payerEmail })
      .then((answer) => {
        pay.textContent = "Waiting for the payment…";
        watch(answer);
      })
      .catch((error: unknown) => {
        show("checkout-error", messageOf(error));
        ready();
        // The cart may have changed on the server (a price, a product withdrawn): show it as it is.
        change(() => getCart({}));
      });
  });

  element("order-again").addEventListener("click", () => {
    hide("order");
    hide("checkout-payment");
  });

  getDocs(query(collection(client.db, "products"), where("active", "==", true)))
    .then((snapshot) => {
      products = snapshot.docs
        .map((product) => ({ id: product.id, ...(product.data() as Omit<ProductView, "id">) }))
        .sort((a, b) => a.name.localeCompare(b.name));
      renderProducts();
    })
    .catch((error: unknown) => {
      show("products-error", messageOf(error));
    });
  change(() => getCart({}));
}

await startSignedInPage(startShop);
