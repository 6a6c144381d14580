# Used by [handle]: reports the status the handler got as HTTP_status_code.


def custom_fct_after(instance, location, method_return_value, code_dict):
    status = method_return_value[1]
    location.add_request_attribute("HTTP_status_code", str(status))
    if status >= 500:
        location.add_request_attribute("HTTP_status_desc", "Service Unavailable")
    if code_dict.get('before_saw') is None:
        raise RuntimeError('after:code did not get the dict of before:code')
    return None
