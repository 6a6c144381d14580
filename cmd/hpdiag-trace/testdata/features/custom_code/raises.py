def custom_fct_before(instance, location, args, kws):
    raise KeyError("custom code bug")
