"""The approval center: who must decide a request, in which order, and telling them."""
