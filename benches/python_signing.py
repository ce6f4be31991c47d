"""Times the official py-clob-client-v2 on the order benches/signing.rs signs.

Builds and signs one V2 limit order (BUY 21.37 @ 0.57, tick 0.01), serialises the POST /order
body the way the client sends it and computes the L2 headers, many times; prints the mean
microseconds per order as JSON. Run by compare_python.sh inside a throwaway venv.
"""

import json
import sys
import time

from py_clob_client_v2.clob_types import ApiCreds, CreateOrderOptions, OrderArgsV2, RequestArgs
from py_clob_client_v2.headers.headers import create_level_2_headers
from py_clob_client_v2.order_builder.builder import OrderBuilder
from py_clob_client_v2.order_utils.model.order_data_v2 import order_to_json_v2
from py_clob_client_v2.signer import Signer

KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
TOKEN = "71321045679252212594626385532706912750332728571942532289631379312455583992563"
CREDS = ApiCreds(
    api_key="b3f7a1c2-5d4e-4f60-9a8b-7c6d5e4f3a21",
    api_secret="AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    api_passphrase="0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
)


def sign_one(builder, signer):
    order = builder.build_order(
        OrderArgsV2(token_id=TOKEN, price=0.57, size=21.37, side="BUY"),
        CreateOrderOptions(tick_size="0.01", neg_risk=False),
    )
    payload = order_to_json_v2(order, CREDS.api_key, "GTC", False, False)
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    request = RequestArgs(method="POST", request_path="/order", body=payload, serialized_body=body)
    return body, create_level_2_headers(signer, CREDS, request, timestamp=1790000000)


def main():
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    signer = Signer(KEY, 137)
    builder = OrderBuilder(signer)
    for _ in range(50):
        sign_one(builder, signer)
    start = time.perf_counter()
    for _ in range(iterations):
        sign_one(builder, signer)
    elapsed = time.perf_counter() - start
    print(json.dumps({"iterations": iterations, "mean_us": elapsed / iterations * 1e6}))


if __name__ == "__main__":
    main()
