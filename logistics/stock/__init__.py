"""Hub stock: the lots a hub receives from pickups, what goes out to associations, what is
lost and what a count corrects, kept so that in + corrections = out + losses + on hand."""
