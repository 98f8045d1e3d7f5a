"""The learned answer judge: scoring (question, sentence) pairs at run time, and its training
recipe, data, metrics and model card. Trained only on the allowlisted public data.

Does NOT decide what an answer says (rag/answer/).
"""
