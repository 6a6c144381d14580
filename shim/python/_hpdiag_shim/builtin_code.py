"""The shim's own custom code, named hpdiag.<name> in a point's detail
(points/http_coloring.point uses them): cross-process coloring over HTTP.

Outbound (http.client, urllib3, requests): the request gets the headers
X-Mercury-Diag-HTTP-Color (the guide's envelope) and traceparent (W3C trace
context), and the call is reported as an outbound call to its URL.
Inbound (a WSGI callable, http.server): either header is read back as the
request's inbound coloring, with its URI and the caller's address.
"""
import types
from _thread import get_ident

# custom.ATTR_* (custom imports this module, so they are repeated here).
ATTR_URI = 1
ATTR_INBOUND_COLORING = 4
ATTR_REMOTE_IP = 5


COLOR_HEADER = 'X-Mercury-Diag-HTTP-Color'
TRACEPARENT = 'traceparent'


def _color_headers(location, url, headers):
    coloring = location.get_outbound_coloring(url)
    out = dict(headers or {})
    out[COLOR_HEADER] = location.create_diag_envelope(coloring, '')
    out[TRACEPARENT] = coloring
    return out


def _outbound(location, url, headers_index, args, kws):
    """Adds the coloring headers to the headers argument (positional index
    headers_index after the instance, or the keyword headers)."""
    result = {}
    args = list(args)
    if len(args) > headers_index:
        args[headers_index] = _color_headers(location, url, args[headers_index])
        result['method_args'] = tuple(args)
    else:
        kws = dict(kws)
        kws['headers'] = _color_headers(location, url, kws.get('headers'))
        result['method_kws'] = kws
    result['diag_arg'] = location.create_diag_arg('http', {'url': url})
    return result


def _http_client_before(instance, location, args, kws):
    # HTTPConnection.request(self, method, url, body=None, headers={}, ...)
    scheme = 'https' if type(instance).__name__ == 'HTTPSConnection' else 'http'
    url = args[1] if len(args) > 1 else kws.get('url', '')
    if not str(url).startswith(('http://', 'https://')):
        url = '%s://%s:%s%s' % (scheme, instance.host, instance.port, url)
    return _outbound(location, url, 3, args, kws)


def _urllib3_before(instance, location, args, kws):
    # HTTPConnectionPool.urlopen(self, method, url, body=None, headers=None, ...)
    url = args[1] if len(args) > 1 else kws.get('url', '')
    if not str(url).startswith(('http://', 'https://')):
        url = '%s://%s:%s%s' % (getattr(instance, 'scheme', 'http'), instance.host, instance.port, url)
    return _outbound(location, url, 3, args, kws)


def _requests_before(instance, location, args, kws):
    # Session.request(self, method, url, params=None, data=None, headers=None, ...)
    url = args[1] if len(args) > 1 else kws.get('url', '')
    return _outbound(location, str(url), 4, args, kws)


def _coloring_from(location, value, traceparent):
    if value:
        return location.get_coloring_from_diag_envelope(value)
    if traceparent:
        return str(traceparent).strip()
    return None


def _wsgi_before(instance, location, args, kws):
    # app(environ, start_response) or Flask.wsgi_app(self, environ, start_response)
    environ = args[0] if args else kws.get('environ', {})
    result = {}
    coloring = _coloring_from(location, environ.get('HTTP_X_MERCURY_DIAG_HTTP_COLOR'),
                              environ.get('HTTP_TRACEPARENT'))
    if coloring:
        result['inbound_coloring'] = coloring
    path = environ.get('PATH_INFO', '') or '/'
    if environ.get('QUERY_STRING'):
        path += '?' + environ['QUERY_STRING']
    result['uri'] = path
    if environ.get('REMOTE_ADDR'):
        result['remote_ip'] = environ['REMOTE_ADDR']
    result['diag_arg'] = location.create_diag_arg('http', {'name': path, 'target': environ.get('HTTP_HOST', '')})
    return path, result


def _http_server_after(instance, location, value, code_dict):
    # BaseHTTPRequestHandler.parse_request(self): its headers are read now.
    if not value:
        return None
    runner = location._runner
    runner.new_request(get_ident())
    headers = instance.headers
    coloring = _coloring_from(location, headers.get(COLOR_HEADER), headers.get(TRACEPARENT))
    if coloring:
        runner.attr(ATTR_INBOUND_COLORING, coloring)
        runner._note_inbound(get_ident(), coloring)
    runner.attr(ATTR_URI, instance.path)
    try:
        runner.attr(ATTR_REMOTE_IP, instance.client_address[0])
    except Exception:
        pass
    return None


def _http_server_status_before(instance, location, args, kws):
    # BaseHTTPRequestHandler.send_response(self, code, message=None)
    code = args[0] if args else kws.get('code')
    if code is not None:
        location.add_request_attribute('HTTP_status_code', str(int(code)))
    return None


def _module(name, **functions):
    mod = types.ModuleType('hpdiag.' + name)
    for key, fn in functions.items():
        setattr(mod, key, fn)
    return mod


MODULES = {
    'http_client_outbound': _module('http_client_outbound', custom_fct_before=_http_client_before),
    'urllib3_outbound': _module('urllib3_outbound', custom_fct_before=_urllib3_before),
    'requests_outbound': _module('requests_outbound', custom_fct_before=_requests_before),
    'wsgi_inbound': _module('wsgi_inbound', custom_fct_before=_wsgi_before),
    'http_server_inbound': _module('http_server_inbound', custom_fct_after=_http_server_after),
    'http_server_status': _module('http_server_status', custom_fct_before=_http_server_status_before),
}
