# Used by [handle]: the status arrives as a str; the application gets an int
# and a tag, and the path becomes the server request's URI.


def custom_fct_before(instance, location, args, kws):
    path, status = args[0], args[1]
    kws = dict(kws)
    kws['tag'] = 'rewritten'
    result = {'uri': path, 'method_args': (path, int(status)), 'method_kws': kws,
              'before_saw': status}
    return ('status=%s' % status, result)
