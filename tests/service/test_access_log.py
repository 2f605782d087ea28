"""The service's access log masks the mobiles and ID numbers that lookups carry in their path."""

import logging

from ecif.service.access_log import ACCESS_LOGGER, MaskPersonalData, mask_access_log


def access_line(path: str) -> str:
    # uvicorn's own access record: '%s - "%s %s HTTP/%s" %d' with the request in args
    record = logging.LogRecord(ACCESS_LOGGER, logging.INFO, __file__, 0, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", path, "1.1", 200), None)
    assert MaskPersonalData().filter(record)
    return record.getMessage()


def test_mobiles_and_id_numbers_in_paths_are_masked_party_ids_are_not():
    assert access_line("/v1/customers/by-mobile/13812345678") == (
        '127.0.0.1:5000 - "GET /v1/customers/by-mobile/138****5678 HTTP/1.1" 200')
    line = access_line("/v1/customers/by-id-no/11010519491231002X?x=1")
    assert "11010519491231002X" not in line and "110105********002X" in line
    assert "/v1/customers/P0000000012 " in access_line("/v1/customers/P0000000012")


def test_the_filter_is_installed_once_on_uvicorns_access_logger():
    mask_access_log()
    mask_access_log()
    filters = logging.getLogger(ACCESS_LOGGER).filters
    assert sum(isinstance(f, MaskPersonalData) for f in filters) == 1
