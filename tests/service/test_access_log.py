"""The service's access log masks, by route, the personal data that lookups carry in
their path, whatever form it takes."""

import logging

import pytest
from fastapi import FastAPI

from ecif.service import api_auth, api_customers, api_identify, api_stewardship, pages
from ecif.service.access_log import ACCESS_LOGGER, MaskPersonalData, mask_access_log


@pytest.fixture(scope="module")
def routes():
    """The service's routes, without a warehouse behind them."""
    app = FastAPI()
    for module in (api_auth, api_identify, api_customers, api_stewardship, pages):
        app.include_router(module.router)
    return app.routes


def access_line(routes, path: str, method: str = "GET") -> str:
    # uvicorn's own access record: '%s - "%s %s HTTP/%s" %d' with the request in args
    record = logging.LogRecord(ACCESS_LOGGER, logging.INFO, __file__, 0, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", method, path, "1.1", 200), None)
    assert MaskPersonalData(routes).filter(record)
    return record.getMessage()


def test_mobiles_and_id_numbers_in_paths_are_masked_party_ids_are_not(routes):
    assert access_line(routes, "/v1/customers/by-mobile/13812345678") == (
        '127.0.0.1:5000 - "GET /v1/customers/by-mobile/138****5678 HTTP/1.1" 200')
    line = access_line(routes, "/v1/customers/by-id-no/11010519491231002X?x=1")
    assert "11010519491231002X" not in line and "110105********002X" in line
    assert "x=1" not in line
    assert "/v1/customers/P0000000012 " in access_line(routes, "/v1/customers/P0000000012")
    assert "/steward/requests?made=3 " in access_line(routes, "/steward/requests?made=3")


@pytest.mark.parametrize("path, hidden", [
    ("/v1/customers/by-mobile/147-8616-8711", ["8616", "86168711"]),
    ("/v1/customers/by-mobile/147%208616%208711", ["8616", "%20"]),
    ("/v1/customers/by-mobile/%2B8614786168711", ["8616", "%2B86"]),
    ("/v1/customers/by-mobile/+86 147 8616 8711", ["8616"]),
    ("/v1/customers/by-id-no/E12345678", ["E12345678", "2345"]),
    ("/v1/customers/by-id-no/H1234567890", ["H1234567890", "1234567"]),
    ("/v1/customers/by-id-no/110105-19491231-002X", ["19491231"]),
    ("/v1/customers/by-mobile/14786168711/extra", ["14786168711", "8616"]),   # no route
    ("/v1//customers/by-mobile/14786168711", ["14786168711"]),                 # no route
])
def test_every_form_of_a_personal_path_parameter_is_masked(routes, path, hidden):
    line = access_line(routes, path)
    assert not [h for h in hidden if h in line], line


def test_a_wrong_method_on_a_personal_route_is_masked_too(routes):
    assert "8616" not in access_line(routes, "/v1/customers/by-mobile/14786168711", "DELETE")


def test_the_filter_is_installed_once_on_uvicorns_access_logger(routes):
    mask_access_log(routes)
    mask_access_log(routes)
    filters = logging.getLogger(ACCESS_LOGGER).filters
    assert sum(isinstance(f, MaskPersonalData) for f in filters) == 1
