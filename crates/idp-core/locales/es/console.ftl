# The administrator console.
