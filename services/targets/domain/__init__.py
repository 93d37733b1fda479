"""Pure target rules of the targets service: decomposition over organisation, product and time."""
