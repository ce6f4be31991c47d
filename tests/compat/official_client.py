"""Drive a running `polymm sim` with the unmodified official Python client (py-clob-client-v2).

Usage: python official_client.py http://127.0.0.1:PORT
Exits non-zero, naming the step, on the first mismatch.
"""

import sys

from py_clob_client_v2 import (
    AssetType,
    BalanceAllowanceParams,
    ClobClient,
    OpenOrderParams,
    OrderArgsV2,
    OrderType,
)
from py_clob_client_v2.clob_types import OrderPayload, PostOrdersV2Args

# A throwaway key (Hardhat/Anvil account #1): the sim gives any new account 10,000 pUSD.
KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"


def check(step, condition, detail=""):
    if not condition:
        print(f"FAIL {step}: {detail}")
        sys.exit(1)
    print(f"ok   {step}")


def main(host):
    client = ClobClient(host, chain_id=137, key=KEY)
    check("ok", client.get_ok() == "OK")
    check("version", client.get_version() == 2)
    check("server time", int(client.get_server_time()) > 1_700_000_000)

    creds = client.create_or_derive_api_key()
    again = client.derive_api_key()
    check("derive api key", creds.api_key == again.api_key and len(creds.api_secret) == 44)
    client.set_api_creds(creds)

    markets = client.get_markets()["data"]
    market = next(m for m in markets if m["accepting_orders"] and not m["neg_risk"])
    token = market["tokens"][0]["token_id"]
    check("markets", len(markets) > 0 and len(market["tokens"]) == 2)
    check("clob market info", client.get_clob_market_info(market["condition_id"])["c"] == market["condition_id"])

    book = client.get_order_book(token)
    check("book", book["asset_id"] == token and book["tick_size"] == "0.01")
    check("book hash", client.get_order_book_hash(book) == book["hash"], book["hash"])
    check("tick size", client.get_tick_size(token) == "0.01")
    check("neg risk", client.get_neg_risk(token) is False)
    check("midpoint", "mid" in client.get_midpoint(token))
    check("price", "price" in client.get_price(token, "BUY"))

    balance = client.get_balance_allowance(BalanceAllowanceParams(asset_type=AssetType.COLLATERAL))
    check("balance", int(balance["balance"]) > 0, balance)

    order = client.create_order(OrderArgsV2(token_id=token, price=0.02, size=10, side="BUY"))
    placed = client.post_order(order, OrderType.GTC)
    check("post GTC order", placed["success"] and placed["status"] == "live", placed)

    batch = [
        PostOrdersV2Args(order=client.create_order(OrderArgsV2(token_id=token, price=p, size=5, side="BUY")))
        for p in (0.03, 0.04)
    ]
    posted = client.post_orders(batch)
    check("post batch", len(posted) == 2 and all(r["success"] for r in posted), posted)

    ids = {placed["orderID"]} | {r["orderID"] for r in posted}
    open_orders = client.get_open_orders(OpenOrderParams(asset_id=token))
    check("open orders", ids <= {o["id"] for o in open_orders}, open_orders)
    check("get order", client.get_order(placed["orderID"])["status"] == "LIVE")

    canceled = client.cancel_order(OrderPayload(orderID=placed["orderID"]))
    check("cancel", canceled["canceled"] == [placed["orderID"]], canceled)

    first = client.post_heartbeat("")
    second = client.post_heartbeat(first["heartbeat_id"])
    check("heartbeat", bool(second["heartbeat_id"]) and second["heartbeat_id"] != first["heartbeat_id"])

    ask = client.get_order_book(token)["asks"]
    if ask:
        best = min(float(level["price"]) for level in ask)
        taker = client.create_order(OrderArgsV2(token_id=token, price=best, size=5, side="BUY"))
        taken = client.post_order(taker, OrderType.GTC)
        check("marketable order", taken["success"] and taken["status"] in ("matched", "live"), taken)
        if taken["status"] == "matched":
            check("trade recorded", any(t["taker_order_id"] == taken["orderID"] for t in client.get_trades()))
        client.cancel_orders([taken["orderID"]])

    cancel_all = client.cancel_all()
    check("cancel all", len(cancel_all["canceled"]) == 2, cancel_all)
    check("nothing open", client.get_open_orders(OpenOrderParams(asset_id=token)) == [])
    print("official client: all checks passed")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080")
