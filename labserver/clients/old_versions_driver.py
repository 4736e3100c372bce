"""Run by an old release's own interpreter (see :mod:`labserver.clients.old_versions`):
one request with requests or urllib3, as the lab's job says, and its outcome as JSON.

It imports nothing from the lab, which is not installed in that environment.
"""

import json
import sys
import warnings
from typing import Any


def _send(job: dict[str, Any]) -> int:
    body = None if job["body"] is None else job["body"].encode("latin-1")
    if job["library"] == "requests":
        import requests

        session = requests.Session()
        session.trust_env = False  # no proxy from the environment, as everywhere in the lab
        proxies = {"http": job["proxy"], "https": job["proxy"]} if job["proxy"] else None
        response = session.request(job["method"], job["url"], data=body,
                                   headers=job["headers"], proxies=proxies,
                                   verify=job["ca_file"] or True, timeout=job["timeout"])
        return int(response.status_code)
    import urllib3

    pool = urllib3.PoolManager(ca_certs=job["ca_file"], timeout=job["timeout"])
    answer = pool.request(job["method"], job["url"], body=body, headers=job["headers"])
    return int(answer.status)


def main() -> None:
    warnings.simplefilter("ignore")  # an old release's deprecation warnings are not results
    job = json.loads(sys.argv[1])
    try:
        result: dict[str, Any] = {"status": _send(job)}
    except Exception as failed:  # report any client error, as the lab's adapters do
        result = {"status": None, "error": type(failed).__name__, "detail": str(failed)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
